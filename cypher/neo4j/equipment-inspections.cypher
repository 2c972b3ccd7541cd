// Every inspection of the outputs of operations that ended in the window.
MATCH (o:Operation)-[:OUTPUT]->(i:Item)<-[:OF]-(n:Inspection)
WHERE o.endTime >= $from AND o.endTime <= $to
RETURN DISTINCT n.id AS id, i.id AS item, n.result AS result, n.defects AS defects, n.measurements AS measurements,
       n.station AS station, n.inspectorId AS inspectorId, n.eventTime AS eventTime
