// Customers: the parties shipments went to, by id (prefix, keyset paging), with their shipment counts.
MATCH (s:Shipment)-[:TO]->(p:Party)
WHERE p.id > $after AND p.id STARTS WITH $prefix
RETURN p.id AS id, count(DISTINCT s) AS shipments
ORDER BY id
LIMIT $limit
