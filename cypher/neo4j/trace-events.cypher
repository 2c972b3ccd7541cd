// The live events that name any of the items; an EPCIS event is counted by its own eventID.
UNWIND $ids AS id
MATCH (e:Event)-[:MENTIONS]->(:Item {id: id})
WHERE NOT e.voided
RETURN DISTINCT coalesce(e.epcisEventId, e.id) AS id
