// Shipments of the item or of any container above it.
MATCH (i:Item {id: $id})-[:PACKED_IN*0..]->(x:Item)
WITH DISTINCT x
MATCH (x)-[:SHIPPED_IN]->(s:Shipment)
OPTIONAL MATCH (s)-[:TO]->(p:Party)
RETURN x.id AS item, s.id AS shipment, p.id AS customer, s.eventTime AS eventTime
