// Inputs, then outputs, of the operations that ended in the window.
MATCH (x:Item)-[r:INPUT_TO]->(o:Operation)
WHERE o.endTime >= $from AND o.endTime <= $to
RETURN o.id AS op, x.id AS item, 'in' AS direction, r.qty AS qty, r.uom AS uom, x.kind AS kind, x.container AS container;
MATCH (o:Operation)-[r:OUTPUT]->(x:Item)
WHERE o.endTime >= $from AND o.endTime <= $to
RETURN o.id AS op, x.id AS item, 'out' AS direction, r.qty AS qty, r.uom AS uom, x.kind AS kind, x.container AS container
