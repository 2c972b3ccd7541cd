COPY PACKED_IN FROM (UNWIND $rows AS r RETURN r.child, r.parent, r.eventId, r.eventTime, r.h)
