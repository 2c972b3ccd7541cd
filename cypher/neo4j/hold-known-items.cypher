// Which of the given ids are lots or units in the graph.
MATCH (i:Item) WHERE i.id IN $ids
RETURN i.id AS id
