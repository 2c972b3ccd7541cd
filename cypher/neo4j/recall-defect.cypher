// Items with a failed inspection naming a defect code.
MATCH (n:Inspection)-[:OF]->(i:Item) WHERE n.result = 'fail' AND $code IN n.defects RETURN DISTINCT i.id AS id
