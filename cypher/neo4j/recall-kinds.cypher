UNWIND $ids AS id
MATCH (i:Item {id: id})
RETURN i.id AS id, i.kind AS kind, i.container AS container
