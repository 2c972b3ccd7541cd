// The operations that output each unit, with what a recall asks of them.
UNWIND $ids AS id
MATCH (o:Operation)-[:OUTPUT]->(:Item {id: id})
OPTIONAL MATCH (o)-[:ON]->(e:Equipment)
OPTIONAL MATCH (o)-[:BY]->(b:Operator)
OPTIONAL MATCH (o)-[:FOLLOWS]->(r:Recipe)
RETURN id AS unit, o.id AS id, o.step AS step, o.station AS station, o.startTime AS startTime, o.endTime AS endTime,
       head(collect(e.id)) AS equipment, head(collect(b.id)) AS operator, head(collect(r.id)) AS recipe
