COPY SHIPPED_IN FROM (UNWIND $rows AS r RETURN r.item, r.shipment, r.eventId, r.h)
