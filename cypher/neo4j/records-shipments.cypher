// itemRecords: shipments of each item of the batch or of any container above it.
UNWIND $ids AS id
MATCH (i:Item {id: id})-[:PACKED_IN*0..]->(x:Item)
WITH DISTINCT i.id AS of, x
MATCH (x)-[:SHIPPED_IN]->(s:Shipment)
OPTIONAL MATCH (s)-[:TO]->(p:Party)
RETURN of, x.id AS item, s.id AS shipment, p.id AS customer, s.eventTime AS eventTime
