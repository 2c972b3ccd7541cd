MATCH (m:Maintenance)-[:`ON`]->(e:Equipment)
RETURN m.id AS id, e.id AS equipment, m.type AS type, m.startTime AS startTime, m.endTime AS endTime, m.result AS result
