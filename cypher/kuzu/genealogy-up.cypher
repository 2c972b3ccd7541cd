// One step up from an item (what it came from): operations that output it and their inputs; the
// contents of a container.
MATCH (o:Operation)-[b:OUTPUT]->(i:Item {id: $id})
OPTIONAL MATCH (x:Item)-[a:INPUT_TO]->(o)
RETURN o.id AS op, o.step AS step, o.result AS result, x.id AS item, a.qty AS qtyIn, b.qty AS qtyOut, a.uom AS uom;
MATCH (c:Item)-[:PACKED_IN]->(i:Item {id: $id})
RETURN DISTINCT c.id AS item
