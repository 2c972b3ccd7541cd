// What a genealogy node's status is made of: its inspections, whether it was shipped, whether it is held.
UNWIND $ids AS id
MATCH (i:Item {id: id})
OPTIONAL MATCH (n:Inspection)-[:OF]->(i)
WITH i, collect({result: n.result, eventTime: n.eventTime}) AS inspections
RETURN i.id AS id, i.kind AS kind, i.container AS container, inspections,
       COUNT { (i)-[:SHIPPED_IN]->(:Shipment) } AS shipped,
       COUNT { (h:Hold)-[:HOLDS]->(i) WHERE h.status = 'active' } AS held
