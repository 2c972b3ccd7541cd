// Shipments of the item, then of every container above it.
MATCH (i:Item {id: $id})-[:SHIPPED_IN]->(s:Shipment)
OPTIONAL MATCH (s)-[:`TO`]->(p:Party)
RETURN i.id AS item, s.id AS shipment, p.id AS customer, s.eventTime AS eventTime;
MATCH (i:Item {id: $id})-[:PACKED_IN* SHORTEST 1..50]->(x:Item)
MATCH (x)-[:SHIPPED_IN]->(s:Shipment)
OPTIONAL MATCH (s)-[:`TO`]->(p:Party)
RETURN x.id AS item, s.id AS shipment, p.id AS customer, s.eventTime AS eventTime
