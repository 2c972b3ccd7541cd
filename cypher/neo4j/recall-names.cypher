// Names a recall criterion may use, for close matches to one that matched nothing: one statement
// per kind, in the order supplierLot, material, parameter, defectCode, lot, equipment, operator.
MATCH (i:Item) WHERE i.supplierLot IS NOT NULL RETURN DISTINCT i.supplierLot AS name;
MATCH (i:Item) WHERE i.material IS NOT NULL RETURN DISTINCT i.material AS name;
MATCH (r:Reading) RETURN DISTINCT r.parameter AS name;
MATCH (n:Inspection) WHERE n.result = 'fail' UNWIND n.defects AS d RETURN DISTINCT d AS name;
MATCH (i:Item {kind: 'lot'}) RETURN i.id AS name;
MATCH (e:Equipment) RETURN e.id AS name;
MATCH (o:Operator) RETURN o.id AS name
