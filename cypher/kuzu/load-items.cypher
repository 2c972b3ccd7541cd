MATCH (i:Item) RETURN offset(id(i)) AS o, i.id AS id, i.rank AS rank, i.container AS container
