UNWIND $ids AS id
MATCH (:Item {id: id})-[:SHIPPED_IN]->(s:Shipment)
OPTIONAL MATCH (s)-[:TO]->(p:Party)
RETURN DISTINCT s.id AS shipment, p.id AS customer
