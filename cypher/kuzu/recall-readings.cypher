// Readings of one parameter, on one piece of equipment or ($equipment = '') on all.
MATCH (r:Reading)-[:MEASURED_ON]->(e:Equipment)
WHERE r.parameter = $name AND ($equipment = '' OR e.id = $equipment)
RETURN e.id AS equipment, r.value AS value, r.eventTime AS time
