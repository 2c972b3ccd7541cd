// Relationships are bulk-loaded with COPY from a subquery: UNWIND + MATCH + CREATE slows to
// seconds per thousand rows once the Item table holds a million nodes.
// {{Rel}} is INPUT_TO or OUTPUT; the row's from/to are Item/Operation ids in that direction.
COPY {{Rel}} FROM (UNWIND $rows AS r RETURN r.from, r.to, CAST(r.qty AS DOUBLE), r.uom, r.eventId, r.h)
