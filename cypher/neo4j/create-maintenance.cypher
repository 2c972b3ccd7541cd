UNWIND $rows AS r
MATCH (q:Equipment {id: r.equipment})
CREATE (:Maintenance {id: r.id, type: r.type, startTime: r.startTime, endTime: r.endTime, result: r.result})-[:ON]->(q)
