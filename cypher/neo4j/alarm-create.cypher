// A new open alarm; alarm-link draws its RAISED_AT edge. openKey is unique among open alarms.
CREATE (a:Alarm {id: $id, rule: $rule, status: $status, equipmentId: $equipmentId, parameter: $parameter,
                 value: $value, crossed: $crossed, lsl: $lsl, usl: $usl, uom: $uom, recipeId: $recipeId,
                 specVersion: $specVersion, raisedAt: $raisedAt, readingEventId: $readingEventId,
                 clearedAt: $clearedAt, clearValue: $clearValue, message: $message, severity: $severity,
                 acknowledgedBy: $acknowledgedBy, acknowledgedAt: $acknowledgedAt, ackComment: $ackComment,
                 escalatedAt: $escalatedAt, holdId: $holdId, openKey: $openKey})
