// Every inspection of what the operations that ended in the window processed: their outputs, then
// the inputs of those with no output (a step that works on a unit in place).
MATCH (o:Operation)-[:OUTPUT]->(i:Item)<-[:`OF`]-(n:Inspection)
WHERE o.endTime >= $from AND o.endTime <= $to
RETURN DISTINCT n.id AS id, i.id AS item, n.result AS result, n.defects AS defects, n.measurements AS measurements,
       n.station AS station, n.inspectorId AS inspectorId, n.eventTime AS eventTime;
MATCH (i:Item)-[:INPUT_TO]->(o:Operation), (n:Inspection)-[:`OF`]->(i)
WHERE o.endTime >= $from AND o.endTime <= $to AND NOT EXISTS { MATCH (o)-[:OUTPUT]->(:Item) }
RETURN DISTINCT n.id AS id, i.id AS item, n.result AS result, n.defects AS defects, n.measurements AS measurements,
       n.station AS station, n.inspectorId AS inspectorId, n.eventTime AS eventTime
