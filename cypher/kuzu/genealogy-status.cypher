// What a genealogy node's status is made of: its inspections and whether it was shipped.
MATCH (i:Item {id: $id})
OPTIONAL MATCH (n:Inspection)-[:`OF`]->(i)
WITH i, collect({result: n.result, eventTime: n.eventTime}) AS inspections
OPTIONAL MATCH (i)-[:SHIPPED_IN]->(s:Shipment)
RETURN i.id AS id, i.kind AS kind, i.container AS container, inspections, count(s) AS shipped
