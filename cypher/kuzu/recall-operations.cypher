// Every operation with what a recall and a genealogy ask of it (loaded once into the adapter's operation cache).
MATCH (o:Operation)
OPTIONAL MATCH (o)-[:`ON`]->(e:Equipment)
OPTIONAL MATCH (o)-[:`BY`]->(b:Operator)
OPTIONAL MATCH (o)-[:FOLLOWS]->(r:Recipe)
RETURN o.id AS id, o.step AS step, o.station AS station, o.startTime AS startTime, o.endTime AS endTime, o.result AS result,
       e.id AS equipment, b.id AS operator, r.id AS recipe
