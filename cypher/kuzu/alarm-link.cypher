// (Alarm)-[:RAISED_AT]->(Equipment): alarms are judged before the reading's batch is in the graph,
// so the equipment may be new.
MATCH (a:Alarm {id: $id})
MERGE (e:Equipment {id: $equipmentId})
CREATE (a)-[:RAISED_AT]->(e)
