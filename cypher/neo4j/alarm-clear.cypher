// Clears an open alarm; returns nothing when the alarm is unknown or already cleared.
MATCH (a:Alarm {id: $id})
WHERE a.status = 'open'
SET a.status = 'cleared', a.clearedAt = $at, a.clearValue = $value
RETURN a.id AS id
