// itemRecords: the inspections of each item of the batch.
UNWIND $ids AS id
MATCH (n:Inspection)-[:OF]->(i:Item {id: id})
RETURN i.id AS of, n.id AS id, i.id AS item, n.result AS result, n.defects AS defects, n.measurements AS measurements,
       n.station AS station, n.inspectorId AS inspectorId, n.eventTime AS eventTime
