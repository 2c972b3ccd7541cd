// Numbers travel as strings and are CAST here: the Node binding infers a list's field types from its
// first row and would store 2.5 after an integer as garbage bits.
UNWIND $rows AS r
CREATE (:Shipment {id: r.id, eventTime: r.eventTime, eventId: r.eventId, qty: CAST(r.qty AS DOUBLE)})
