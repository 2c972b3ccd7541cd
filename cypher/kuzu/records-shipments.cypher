// itemRecords: the shipments of a batch of items and of the containers above them (the adapter
// passes both), each with its customer.
UNWIND $ids AS id
MATCH (i:Item {id: id})-[:SHIPPED_IN]->(s:Shipment)
OPTIONAL MATCH (s)-[:`TO`]->(p:Party)
RETURN i.id AS item, s.id AS shipment, p.id AS customer, s.eventTime AS eventTime
