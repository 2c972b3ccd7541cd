UNWIND $rows AS r
MATCH (c:Item {id: r.child})
MATCH (p:Item {id: r.parent})
CREATE (c)-[:PACKED_IN {eventId: r.eventId, eventTime: r.eventTime}]->(p)
