// itemRecords: every input and output of the operations each item of the batch went into or came out of.
UNWIND $ids AS id
MATCH (i:Item {id: id})-[:INPUT_TO|OUTPUT]-(o:Operation)
WITH DISTINCT i.id AS of, o
MATCH (o)-[r:INPUT_TO|OUTPUT]-(x:Item)
RETURN of, o.id AS op, x.id AS item, CASE type(r) WHEN 'INPUT_TO' THEN 'in' ELSE 'out' END AS direction,
       r.qty AS qty, r.uom AS uom, x.kind AS kind, x.container AS container
