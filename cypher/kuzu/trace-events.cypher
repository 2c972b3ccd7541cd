// The live events that name an item; an EPCIS event is counted by its own eventID.
MATCH (e:Event)-[:MENTIONS]->(i:Item {id: $id})
WHERE NOT e.voided
RETURN DISTINCT coalesce(e.epcisEventId, e.id) AS id
