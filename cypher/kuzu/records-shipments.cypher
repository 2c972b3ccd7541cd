// itemRecords: shipments of each item of the batch, then of every container above it.
UNWIND $ids AS id
MATCH (i:Item {id: id})-[:SHIPPED_IN]->(s:Shipment)
OPTIONAL MATCH (s)-[:`TO`]->(p:Party)
RETURN i.id AS of, i.id AS item, s.id AS shipment, p.id AS customer, s.eventTime AS eventTime;
UNWIND $ids AS id
MATCH (i:Item {id: id})-[:PACKED_IN* SHORTEST 1..50]->(x:Item)
MATCH (x)-[:SHIPPED_IN]->(s:Shipment)
OPTIONAL MATCH (s)-[:`TO`]->(p:Party)
RETURN i.id AS of, x.id AS item, s.id AS shipment, p.id AS customer, s.eventTime AS eventTime
