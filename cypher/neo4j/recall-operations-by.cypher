// Operations on one piece of equipment ({{Rel}} ON) or by one operator ({{Rel}} BY), with what a recall asks of them.
MATCH (o:Operation)-[:{{Rel}}]->(:{{Label}} {id: $id})
OPTIONAL MATCH (o)-[:ON]->(e:Equipment)
OPTIONAL MATCH (o)-[:BY]->(b:Operator)
OPTIONAL MATCH (o)-[:FOLLOWS]->(r:Recipe)
RETURN o.id AS id, o.step AS step, o.station AS station, o.startTime AS startTime, o.endTime AS endTime,
       head(collect(e.id)) AS equipment, head(collect(b.id)) AS operator, head(collect(r.id)) AS recipe
