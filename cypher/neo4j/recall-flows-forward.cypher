// Every input -> output pair of the operations the given items went into.
UNWIND $ids AS id
MATCH (:Item {id: id})-[:INPUT_TO]->(o:Operation)
MATCH (a:Item)-[r:INPUT_TO]->(o)-[w:OUTPUT]->(b:Item)
RETURN DISTINCT a.id AS from, o.id AS operation, b.id AS to, r.qty AS qty, r.uom AS uom, w.qty AS outQty, w.uom AS outUom
