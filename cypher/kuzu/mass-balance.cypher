// One lot: its receive and its flow edges (in: produced by, out: consumed by).
MATCH (i:Item {id: $id})
OPTIONAL MATCH (i)-[r:INPUT_TO]->(o:Operation)
RETURN i.qty AS qty, i.uom AS uom, i.receiveKey AS receiveKey, 'out' AS dir, r.qty AS flowQty, r.uom AS flowUom, o.id AS op;
MATCH (i:Item {id: $id})<-[w:OUTPUT]-(o:Operation)
RETURN i.qty AS qty, i.uom AS uom, i.receiveKey AS receiveKey, 'in' AS dir, w.qty AS flowQty, w.uom AS flowUom, o.id AS op
