// Every input, then every output, of the operations the item went into or came out of.
MATCH (i:Item {id: $id})-[:INPUT_TO|OUTPUT]-(o:Operation)
WITH DISTINCT o
MATCH (x:Item)-[r:INPUT_TO]->(o)
RETURN o.id AS op, x.id AS item, 'in' AS direction, r.qty AS qty, r.uom AS uom, x.kind AS kind, x.container AS container;
MATCH (i:Item {id: $id})-[:INPUT_TO|OUTPUT]-(o:Operation)
WITH DISTINCT o
MATCH (o)-[r:OUTPUT]->(x:Item)
RETURN o.id AS op, x.id AS item, 'out' AS direction, r.qty AS qty, r.uom AS uom, x.kind AS kind, x.container AS container
