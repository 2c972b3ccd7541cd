// One step down from an item (where it went): operations it went into and their outputs; the
// containers it was packed into; the shipments that carried it. Three statements, one id each
// (Kuzu plans `id IN $list` as a scan per entry).
MATCH (i:Item {id: $id})-[a:INPUT_TO]->(o:Operation)
OPTIONAL MATCH (o)-[b:OUTPUT]->(x:Item)
RETURN o.id AS op, o.step AS step, o.result AS result, x.id AS item, a.qty AS qtyIn, b.qty AS qtyOut, a.uom AS uom;
MATCH (i:Item {id: $id})-[:PACKED_IN]->(c:Item)
RETURN DISTINCT c.id AS item;
MATCH (i:Item {id: $id})-[:SHIPPED_IN]->(s:Shipment)
OPTIONAL MATCH (s)-[:`TO`]->(p:Party)
RETURN DISTINCT s.id AS shipment, p.id AS customer
