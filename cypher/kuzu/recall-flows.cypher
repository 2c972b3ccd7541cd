// Every input -> output pair of one operation, with the quantities on both edges.
MATCH (a:Item)-[r:INPUT_TO]->(o:Operation {id: $id})-[w:OUTPUT]->(b:Item)
RETURN a.id AS from, b.id AS to, r.qty AS qty, r.uom AS uom, w.qty AS outQty, w.uom AS outUom
