// The mention index (cypher/kuzu/memory/mention-index.ts) at open, in three reads through CSV. Voided events
// are left out: they no longer count among a trace's events.
// 1. Live events that name an item, with the eventId (whose hash finds them again when voided).
MATCH (e:Event) WHERE NOT e.voided AND EXISTS { MATCH (e)-[:MENTIONS]->(:Item) }
RETURN offset(id(e)) AS o, e.id AS id;
// 2. The EPCIS eventID they are reported by, where they have one.
MATCH (e:Event) WHERE NOT e.voided AND e.epcisEventId IS NOT NULL
RETURN offset(id(e)) AS o, e.epcisEventId AS name;
// 3. Which items they name.
MATCH (e:Event)-[:MENTIONS]->(i:Item) WHERE NOT e.voided
RETURN offset(id(e)) AS e, offset(id(i)) AS i
