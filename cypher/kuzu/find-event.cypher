MATCH (e:Event {id: $id})
RETURN e.voided AS voided, e.payload AS payload
