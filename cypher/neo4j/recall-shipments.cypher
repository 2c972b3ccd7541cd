// The shipments that carried each item, directly or in a container at any packing depth.
UNWIND $ids AS id
MATCH (:Item {id: id})-[:PACKED_IN*0..]->(:Item)-[:SHIPPED_IN]->(s:Shipment)
OPTIONAL MATCH (s)-[:TO]->(p:Party)
RETURN DISTINCT id AS item, s.id AS shipment, p.id AS customer
