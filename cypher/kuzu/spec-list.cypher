// Every version of every spec; few enough to pick the current ones and filter in the adapter.
MATCH (s:Spec)
RETURN s.parameter AS parameter, s.equipmentId AS equipmentId, s.recipeId AS recipeId, s.lsl AS lsl, s.usl AS usl,
       s.target AS target, s.uom AS uom, s.version AS version, s.changedBy AS changedBy, s.changedAt AS changedAt,
       s.reason AS reason
