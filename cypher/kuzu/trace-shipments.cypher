// Shipments of the starting items, then of everything reached forward from them. The trace is
// walked again rather than passing the reached ids back in: Kuzu plans `id IN $list` as a scan per
// entry. Two statements: Kuzu 0.11 crashed on the UNION of the two.
MATCH (s:Item) WHERE s.id IN $ids
MATCH (s)-[:SHIPPED_IN]->(sh:Shipment)
OPTIONAL MATCH (sh)-[:`TO`]->(p:Party)
RETURN DISTINCT sh.id AS shipment, p.id AS customer;
MATCH (s:Item) WHERE s.id IN $ids
MATCH (s)-[:INPUT_TO|OUTPUT|PACKED_IN* SHORTEST 1..1000000]->(x:Item)
MATCH (x)-[:SHIPPED_IN]->(sh:Shipment)
OPTIONAL MATCH (sh)-[:`TO`]->(p:Party)
RETURN DISTINCT sh.id AS shipment, p.id AS customer
