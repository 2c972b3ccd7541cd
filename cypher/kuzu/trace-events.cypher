// The live events that name any of the items; an EPCIS event is counted by its own eventID.
// One query for all the items: MENTIONS is stored forward only (schema.cypher), so a pattern
// anchored at each item would scan it once per item; this one scans it once and joins.
UNWIND $ids AS id
MATCH (i:Item {id: id})
MATCH (e:Event)-[:MENTIONS]->(i)
WHERE NOT e.voided
RETURN DISTINCT coalesce(e.epcisEventId, e.id) AS id
