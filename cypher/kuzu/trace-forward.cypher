// Reference trace in Cypher (the adapter answers from its in-memory index; this cross-checks it and
// is the bench's baseline). One start per query: with `s.id IN $ids` Kuzu expanded from every Item
// and filtered afterwards. SHORTEST visits each node once, so it never enumerates paths; the depth
// cap is raised per connection.
MATCH (s:Item {id: $id})-[:INPUT_TO|OUTPUT|PACKED_IN* SHORTEST 1..1000000]->(x:Item)
RETURN DISTINCT x.id AS id, x.kind AS kind, x.container AS container
