// Every inspection of what the operations that ended in the window processed: their outputs, and
// the inputs of those with no output (a step that works on a unit in place).
MATCH (o:Operation)-[:OUTPUT]->(i:Item)<-[:OF]-(n:Inspection)
WHERE o.endTime >= $from AND o.endTime <= $to
RETURN n.id AS id, i.id AS item, n.result AS result, n.defects AS defects, n.measurements AS measurements,
       n.station AS station, n.inspectorId AS inspectorId, n.eventTime AS eventTime
UNION
MATCH (n:Inspection)-[:OF]->(i:Item)-[:INPUT_TO]->(o:Operation)
WHERE o.endTime >= $from AND o.endTime <= $to AND NOT EXISTS { (o)-[:OUTPUT]->(:Item) }
RETURN n.id AS id, i.id AS item, n.result AS result, n.defects AS defects, n.measurements AS measurements,
       n.station AS station, n.inspectorId AS inspectorId, n.eventTime AS eventTime
