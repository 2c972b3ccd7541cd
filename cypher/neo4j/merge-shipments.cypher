UNWIND $rows AS r
MERGE (s:Shipment {id: r.id})
  ON CREATE SET s.eventTime = r.eventTime, s.eventId = r.eventId, s.qty = r.qty
