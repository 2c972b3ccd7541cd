// Readings of one equipment in a coarse window (string bounds; the caller filters exactly).
MATCH (r:Reading)-[:MEASURED_ON]->(e:Equipment {id: $equipment})
WHERE r.eventTime >= $from AND r.eventTime <= $to
RETURN r.parameter AS parameter, r.value AS value, r.uom AS uom, r.eventTime AS eventTime
