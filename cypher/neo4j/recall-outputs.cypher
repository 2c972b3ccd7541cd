UNWIND $ids AS id
MATCH (:Operation {id: id})-[:OUTPUT]->(x:Item)
RETURN DISTINCT x.id AS id
