// Each lot: its receive and its flow edges (produced by, consumed by).
UNWIND $ids AS id
MATCH (i:Item {id: id})
OPTIONAL MATCH (i)-[r:INPUT_TO]->(c:Operation)
WITH i, collect({qty: r.qty, uom: r.uom, op: c.id}) AS consumed
OPTIONAL MATCH (i)<-[w:OUTPUT]-(p:Operation)
RETURN i.id AS id, i.qty AS qty, i.uom AS uom, i.receiveKey AS receiveKey, consumed,
       collect({qty: w.qty, uom: w.uom, op: p.id}) AS produced
