MATCH (s:Item) WHERE s.id IN $ids
MATCH (s)<-[:INPUT_TO|OUTPUT|PACKED_IN*]-(x:Item)
RETURN DISTINCT x.id AS id, x.kind AS kind, x.container AS container
