// The containers each item was packed into, at any depth.
UNWIND $ids AS id
MATCH (:Item {id: id})-[:PACKED_IN*1..]->(c:Item)
RETURN DISTINCT c.id AS id
