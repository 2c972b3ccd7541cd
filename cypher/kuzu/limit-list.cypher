// Every version of every control limit; few enough to pick the current ones in the adapter.
MATCH (c:ControlLimit)
RETURN c.parameter AS parameter, c.equipmentId AS equipmentId, c.version AS version, c.center AS center,
       c.lcl AS lcl, c.ucl AS ucl, c.sigma AS sigma, c.definition AS definition, c.setBy AS setBy,
       c.setAt AS setAt, c.reason AS reason
