// itemRecords: a batch of operations (those its items went into or came out of, from the trace
// index) with what ran them. Looked up by operation id: joining from the items was ~10x slower.
UNWIND $ids AS id
MATCH (o:Operation {id: id})
OPTIONAL MATCH (o)-[:`ON`]->(e:Equipment)
OPTIONAL MATCH (o)-[:`BY`]->(p:Operator)
OPTIONAL MATCH (o)-[:FOLLOWS]->(r:Recipe)
OPTIONAL MATCH (o)-[:`FOR`]->(w:WorkOrder)
RETURN o.id AS id, o.step AS step, o.station AS station, o.startTime AS startTime, o.endTime AS endTime,
       o.result AS result, e.id AS equipment, p.id AS operator, r.id AS recipe, w.id AS workOrder
