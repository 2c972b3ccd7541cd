// Readings of one parameter, on one piece of equipment or ($equipment = '') on all.
MATCH (r:Reading {parameter: $name})-[:MEASURED_ON]->(e:Equipment)
WHERE $equipment = '' OR e.id = $equipment
RETURN e.id AS equipment, r.value AS value, r.eventTime AS time
