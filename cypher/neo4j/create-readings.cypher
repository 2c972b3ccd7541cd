UNWIND $rows AS r
MATCH (q:Equipment {id: r.equipment})
CREATE (:Reading {id: r.id, parameter: r.parameter, value: r.value, uom: r.uom, eventTime: r.eventTime})-[:MEASURED_ON]->(q)
