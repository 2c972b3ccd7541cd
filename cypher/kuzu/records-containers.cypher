// itemRecords: the packing edges out of a batch of items, one level (the adapter repeats it for the
// containers found, up to the outermost: a recursive SHORTEST from a thousand sources is far slower).
UNWIND $ids AS id
MATCH (i:Item {id: id})-[r:PACKED_IN]->(c:Item)
RETURN i.id AS child, c.id AS parent, r.eventTime AS eventTime
