// itemRecords: when each shipment of a batch left (which items and containers it carried, and to
// whom, come from the trace index).
UNWIND $ids AS id
MATCH (s:Shipment {id: id})
RETURN s.id AS shipment, s.eventTime AS eventTime
