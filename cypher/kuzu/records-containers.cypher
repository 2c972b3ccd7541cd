// itemRecords: the packing edges out of a batch of items and of every container above them (the
// trace index names those, so one query answers every level).
UNWIND $ids AS id
MATCH (i:Item {id: id})-[r:PACKED_IN]->(c:Item)
RETURN i.id AS child, c.id AS parent, r.eventTime AS eventTime
