// Operations at a station with the units (not containers) each output; the time window is applied by the caller.
MATCH (o:Operation {station: $station})-[:OUTPUT]->(u:Item {kind: 'unit'})
WHERE NOT coalesce(u.container, false)
OPTIONAL MATCH (o)-[:FOLLOWS]->(r:Recipe)
RETURN o.id AS id, o.step AS step, o.station AS station, o.startTime AS startTime, o.endTime AS endTime,
       head(collect(DISTINCT r.id)) AS recipe, collect(DISTINCT u.id) AS units
