// The inspections that name defects, with their item and time (few: most inspections pass with none).
MATCH (n:Inspection)-[:`OF`]->(i:Item)
WHERE n.defects IS NOT NULL AND n.defects <> '[]' AND n.defects <> ''
RETURN i.id AS id, n.eventTime AS eventTime, n.defects AS defects
