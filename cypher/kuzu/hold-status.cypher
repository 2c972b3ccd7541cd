// The status of one hold and the items it covers (the adapter adds only new ones).
MATCH (h:Hold {id: $id})
OPTIONAL MATCH (h)-[:HOLDS]->(i:Item)
RETURN h.status AS status, collect(i.id) AS items
