// Customers: the parties shipments went to, by id (prefix, keyset paging), with their shipment counts.
MATCH (s:Shipment)-[:`TO`]->(p:Party)
WHERE p.id > $after AND starts_with(p.id, $prefix)
RETURN p.id AS id, count(DISTINCT s) AS shipments
ORDER BY id
LIMIT $limit
