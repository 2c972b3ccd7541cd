// Items with a failed inspection naming a defect code ($quoted is the code as a JSON string: defects are stored as a JSON list).
MATCH (n:Inspection)-[:`OF`]->(i:Item) WHERE n.result = 'fail' AND n.defects CONTAINS $quoted RETURN DISTINCT i.id AS id
