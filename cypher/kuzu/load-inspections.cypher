// Every inspection's result and time with the item it is of (the id last: the reader keeps it whole).
MATCH (n:Inspection)-[:`OF`]->(i:Item) RETURN n.result AS result, n.eventTime AS eventTime, i.id AS id
