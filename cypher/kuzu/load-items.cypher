// The string id goes last: the reader splits on the first commas and keeps the rest whole.
MATCH (i:Item) RETURN offset(id(i)) AS o, i.rank AS rank, i.container AS container, i.id AS id
