// Records the hold an alarm's policy placed.
MATCH (a:Alarm {id: $id})
SET a.holdId = $holdId
