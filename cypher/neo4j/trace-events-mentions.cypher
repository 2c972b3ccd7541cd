// (Event)-[:MENTIONS]->(Item) for every item a live event names (written with the event).
UNWIND $rows AS r
MATCH (e:Event {id: r.from})
MATCH (i:Item {id: r.to})
CREATE (e)-[:MENTIONS]->(i)
