// What operations made or processed: their outputs, and the inputs of those that have no output
// (a step that works on a unit in place). UNION removes the repeats.
UNWIND $ids AS id
MATCH (:Operation {id: id})-[:OUTPUT]->(x:Item)
RETURN x.id AS id
UNION
UNWIND $ids AS id
MATCH (x:Item)-[:INPUT_TO]->(o:Operation {id: id})
WHERE NOT EXISTS { (o)-[:OUTPUT]->(:Item) }
RETURN x.id AS id
