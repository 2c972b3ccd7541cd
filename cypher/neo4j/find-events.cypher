UNWIND $ids AS id
MATCH (e:Event {id: id})
RETURN e.id AS id, e.voided AS voided, e.payload AS payload
