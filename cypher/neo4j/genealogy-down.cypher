// One step down from each item (where it went): operations it went into and their outputs; the
// containers it was packed into; the shipments that carried it.
UNWIND $ids AS id
MATCH (i:Item {id: id})-[a:INPUT_TO]->(o:Operation)
OPTIONAL MATCH (o)-[b:OUTPUT]->(x:Item)
RETURN id AS from, o.id AS op, o.step AS step, o.result AS result, x.id AS item, a.qty AS qtyIn, b.qty AS qtyOut, a.uom AS uom;
UNWIND $ids AS id
MATCH (i:Item {id: id})-[:PACKED_IN]->(c:Item)
RETURN DISTINCT id AS from, c.id AS item;
UNWIND $ids AS id
MATCH (i:Item {id: id})-[:SHIPPED_IN]->(s:Shipment)
OPTIONAL MATCH (s)-[:TO]->(p:Party)
RETURN DISTINCT id AS from, s.id AS shipment, p.id AS customer
