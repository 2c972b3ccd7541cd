// Reference trace in Cypher (the adapter answers from its in-memory index; this cross-checks it).
// SHORTEST visits each node once, so it never enumerates paths; the depth cap is raised per connection.
MATCH (s:Item) WHERE s.id IN $ids
MATCH (s)-[:INPUT_TO|OUTPUT|PACKED_IN* SHORTEST 1..1000000]->(x:Item)
RETURN DISTINCT x.id AS id, x.kind AS kind, x.container AS container
