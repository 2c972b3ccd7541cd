// The inspections of an item.
MATCH (n:Inspection)-[:`OF`]->(i:Item {id: $id})
RETURN n.result AS result, n.defects AS defects, n.eventTime AS eventTime
