// Escalates an open, unacknowledged, not yet escalated alarm.
MATCH (a:Alarm {id: $id})
WHERE a.status = 'open' AND a.acknowledgedAt IS NULL AND a.escalatedAt IS NULL
SET a.escalatedAt = $at
RETURN a.id AS id
