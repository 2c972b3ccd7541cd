// What a genealogy node's status is made of: its inspections, whether it was shipped, whether it is held.
MATCH (i:Item {id: $id})
OPTIONAL MATCH (n:Inspection)-[:`OF`]->(i)
WITH i, collect({result: n.result, eventTime: n.eventTime}) AS inspections
OPTIONAL MATCH (h:Hold)-[:HOLDS]->(i)
WHERE h.status = 'active'
WITH i, inspections, count(h) AS held
OPTIONAL MATCH (i)-[:SHIPPED_IN]->(s:Shipment)
RETURN i.id AS id, i.kind AS kind, i.container AS container, inspections, count(s) AS shipped, held
