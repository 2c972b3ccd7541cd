// Shipments by id (prefix, keyset paging), with their customer; $customer = '' for every customer.
MATCH (s:Shipment)
WHERE s.id > $after AND starts_with(s.id, $prefix)
OPTIONAL MATCH (s)-[:`TO`]->(p:Party)
WITH s, p
WHERE $customer = '' OR p.id = $customer
RETURN s.id AS id, s.eventTime AS eventTime, p.id AS customer
ORDER BY id
LIMIT $limit
