UNWIND $rows AS r
MATCH (i:Item {id: r.item})
MATCH (o:Operation {id: r.op})
CREATE (i)-[:INPUT_TO {qty: r.qty, uom: r.uom, eventId: r.eventId}]->(o)
