// One new version of a spec (the adapter computed the version inside the same write).
CREATE (s:Spec {id: $id, specKey: $key, parameter: $parameter, equipmentId: $equipmentId, recipeId: $recipeId,
                lsl: $lsl, usl: $usl, target: $target, uom: $uom, version: $version,
                changedBy: $changedBy, changedAt: $changedAt, reason: $reason})
