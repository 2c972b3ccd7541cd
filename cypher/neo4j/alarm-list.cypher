// Alarms matching the filters, newest first; a null filter means "any".
MATCH (a:Alarm)
WHERE ($id IS NULL OR a.id = $id)
  AND ($status IS NULL OR a.status = $status)
  AND ($equipmentId IS NULL OR a.equipmentId = $equipmentId)
  AND ($parameter IS NULL OR a.parameter = $parameter)
  AND ($from IS NULL OR a.raisedAt >= $from)
  AND ($to IS NULL OR a.raisedAt <= $to)
RETURN a.id AS id, a.rule AS rule, a.status AS status, a.equipmentId AS equipmentId, a.parameter AS parameter,
       a.value AS value, a.crossed AS crossed, a.lsl AS lsl, a.usl AS usl, a.uom AS uom, a.recipeId AS recipeId,
       a.specVersion AS specVersion, a.raisedAt AS raisedAt, a.readingEventId AS readingEventId,
       a.clearedAt AS clearedAt, a.clearValue AS clearValue, a.message AS message,
       a.severity AS severity, a.acknowledgedBy AS acknowledgedBy, a.acknowledgedAt AS acknowledgedAt,
       a.ackComment AS ackComment, a.escalatedAt AS escalatedAt, a.holdId AS holdId
ORDER BY raisedAt DESC, id DESC
LIMIT $limit
