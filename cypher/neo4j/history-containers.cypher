// Packing edges from the item up through every container above it.
MATCH (i:Item {id: $id})-[:PACKED_IN*0..]->(x:Item)
WITH DISTINCT x
MATCH (x)-[r:PACKED_IN]->(c:Item)
RETURN x.id AS child, c.id AS parent, r.eventTime AS eventTime
