// Inputs and outputs of the operations that ended in the window.
MATCH (o:Operation)-[r:INPUT_TO|OUTPUT]-(x:Item)
WHERE o.endTime >= $from AND o.endTime <= $to
RETURN o.id AS op, x.id AS item, CASE type(r) WHEN 'INPUT_TO' THEN 'in' ELSE 'out' END AS direction,
       r.qty AS qty, r.uom AS uom, x.kind AS kind, x.container AS container
