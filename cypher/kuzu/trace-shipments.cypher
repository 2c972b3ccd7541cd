// Shipments of a starting item, then of everything reached forward from it (two statements: Kuzu
// 0.11 crashed on the UNION of the two). The trace is walked again rather than passing the
// reached ids back in: Kuzu plans `id IN $list` as a scan per entry.
MATCH (s:Item {id: $id})-[:SHIPPED_IN]->(sh:Shipment)
OPTIONAL MATCH (sh)-[:`TO`]->(p:Party)
RETURN DISTINCT sh.id AS shipment, p.id AS customer;
MATCH (s:Item {id: $id})-[:INPUT_TO|OUTPUT|PACKED_IN* SHORTEST 1..1000000]->(x:Item)
MATCH (x)-[:SHIPPED_IN]->(sh:Shipment)
OPTIONAL MATCH (sh)-[:`TO`]->(p:Party)
RETURN DISTINCT sh.id AS shipment, p.id AS customer
