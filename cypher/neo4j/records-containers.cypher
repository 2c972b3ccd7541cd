// itemRecords: packing edges from each item of the batch up through every container above it.
UNWIND $ids AS id
MATCH (i:Item {id: id})-[:PACKED_IN*0..]->(x:Item)
WITH DISTINCT i.id AS of, x
MATCH (x)-[r:PACKED_IN]->(c:Item)
RETURN of, x.id AS child, c.id AS parent, r.eventTime AS eventTime
