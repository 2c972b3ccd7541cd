// itemRecords: packing edges from each item of the batch up through every container above it (two
// statements: Kuzu's SHORTEST needs a lower bound of 1).
UNWIND $ids AS id
MATCH (i:Item {id: id})-[r:PACKED_IN]->(c:Item)
RETURN i.id AS of, i.id AS child, c.id AS parent, r.eventTime AS eventTime;
UNWIND $ids AS id
MATCH (i:Item {id: id})-[:PACKED_IN* SHORTEST 1..50]->(x:Item)
MATCH (x)-[r:PACKED_IN]->(c:Item)
RETURN i.id AS of, x.id AS child, c.id AS parent, r.eventTime AS eventTime
