// Acknowledges an alarm once; returns nothing when unknown or already acknowledged.
MATCH (a:Alarm {id: $id})
WHERE a.acknowledgedAt IS NULL
SET a.acknowledgedBy = $by, a.acknowledgedAt = $at, a.ackComment = $comment
RETURN a.id AS id
