// (Alarm)-[:RAISED_AT]->(Equipment): the equipment exists once its reading is committed.
MATCH (a:Alarm {id: $id})
MATCH (e:Equipment {id: $equipmentId})
CREATE (a)-[:RAISED_AT]->(e)
