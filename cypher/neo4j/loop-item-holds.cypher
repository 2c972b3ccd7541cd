// The active holds on an item.
MATCH (h:Hold)-[:HOLDS]->(i:Item {id: $id})
WHERE h.status = 'active'
RETURN h.id AS id, h.reason AS reason
