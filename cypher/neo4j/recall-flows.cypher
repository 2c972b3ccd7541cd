// Every input -> output pair of the operations next to the given items ({{Side}}: the items' side of the operation).
UNWIND $ids AS id
MATCH {{Side}}
MATCH (a:Item)-[r:INPUT_TO]->(o)-[w:OUTPUT]->(b:Item)
RETURN DISTINCT a.id AS from, o.id AS operation, b.id AS to, r.qty AS qty, r.uom AS uom, w.qty AS outQty, w.uom AS outUom
