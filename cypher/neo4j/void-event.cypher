// Declared in error: the record stays, the edges it drew go (they no longer count in traces).
MATCH (e:Event {id: $id}) SET e.voided = true, e.payload = $payload;
MATCH ()-[r:INPUT_TO {eventId: $id}]->() DELETE r;
MATCH ()-[r:OUTPUT {eventId: $id}]->() DELETE r;
MATCH ()-[r:PACKED_IN {eventId: $id}]->() DELETE r;
MATCH ()-[r:SHIPPED_IN {eventId: $id}]->() DELETE r
