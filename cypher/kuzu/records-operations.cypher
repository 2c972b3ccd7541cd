// itemRecords: the operations each item of the batch went into or came out of, with what ran them.
UNWIND $ids AS id
MATCH (i:Item {id: id})-[:INPUT_TO|OUTPUT]-(o:Operation)
WITH DISTINCT i.id AS of, o
OPTIONAL MATCH (o)-[:`ON`]->(e:Equipment)
OPTIONAL MATCH (o)-[:`BY`]->(p:Operator)
OPTIONAL MATCH (o)-[:FOLLOWS]->(r:Recipe)
OPTIONAL MATCH (o)-[:`FOR`]->(w:WorkOrder)
RETURN of, o.id AS id, o.step AS step, o.station AS station, o.startTime AS startTime, o.endTime AS endTime,
       o.result AS result, e.id AS equipment, p.id AS operator, r.id AS recipe, w.id AS workOrder
