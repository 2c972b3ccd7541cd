// Clears an open alarm (its key is free again); returns nothing when unknown or already cleared.
MATCH (a:Alarm {id: $id})
WHERE a.status = 'open'
SET a.status = 'cleared', a.clearedAt = $at, a.clearValue = $value, a.openKey = NULL
RETURN a.id AS id
