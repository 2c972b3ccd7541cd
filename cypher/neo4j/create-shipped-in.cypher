UNWIND $rows AS r
MATCH (i:Item {id: r.item})
MATCH (s:Shipment {id: r.shipment})
CREATE (i)-[:SHIPPED_IN {eventId: r.eventId}]->(s)
