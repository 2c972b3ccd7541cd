UNWIND $rows AS r
MATCH (o:Operation {id: r.op})
MATCH (i:Item {id: r.item})
CREATE (o)-[:OUTPUT {qty: r.qty, uom: r.uom, eventId: r.eventId}]->(i)
