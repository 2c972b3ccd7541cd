MATCH (s:Item {id: $id})<-[:INPUT_TO|OUTPUT|PACKED_IN* SHORTEST 1..1000000]-(x:Item)
RETURN DISTINCT x.id AS id, x.kind AS kind, x.container AS container
