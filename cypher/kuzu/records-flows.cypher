// itemRecords: every input, then every output, of the operations each item of the batch went into or came out of.
UNWIND $ids AS id
MATCH (i:Item {id: id})-[:INPUT_TO|OUTPUT]-(o:Operation)
WITH DISTINCT i.id AS of, o
MATCH (x:Item)-[r:INPUT_TO]->(o)
RETURN of, o.id AS op, x.id AS item, 'in' AS direction, r.qty AS qty, r.uom AS uom, x.kind AS kind, x.container AS container;
UNWIND $ids AS id
MATCH (i:Item {id: id})-[:INPUT_TO|OUTPUT]-(o:Operation)
WITH DISTINCT i.id AS of, o
MATCH (o)-[r:OUTPUT]->(x:Item)
RETURN of, o.id AS op, x.id AS item, 'out' AS direction, r.qty AS qty, r.uom AS uom, x.kind AS kind, x.container AS container
