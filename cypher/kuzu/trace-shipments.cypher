MATCH (i:Item)-[:SHIPPED_IN]->(s:Shipment) WHERE i.id IN $ids
OPTIONAL MATCH (s)-[:`TO`]->(p:Party)
RETURN DISTINCT s.id AS shipment, p.id AS customer
