// The operations an item went into, then those it came out of (the interlock's view: no context).
MATCH (i:Item {id: $id})-[:INPUT_TO]->(o:Operation)
RETURN o.id AS id, o.step AS step, o.endTime AS endTime, o.result AS result;
MATCH (o:Operation)-[:OUTPUT]->(i:Item {id: $id})
RETURN o.id AS id, o.step AS step, o.endTime AS endTime, o.result AS result
