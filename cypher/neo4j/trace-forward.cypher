// DISTINCT over an unbounded expansion whose path is not used lets the planner pick
// VarLengthExpand(Pruning,BFS): each node visited once, no path enumeration (a test checks the plan).
MATCH (s:Item) WHERE s.id IN $ids
MATCH (s)-[:INPUT_TO|OUTPUT|PACKED_IN*]->(x:Item)
RETURN DISTINCT x.id AS id, x.kind AS kind, x.container AS container
