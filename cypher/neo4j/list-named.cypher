// {{Label}} is Equipment or Operator (cypher/listing.ts): ids by prefix, keyset paging.
MATCH (n:{{Label}})
WHERE n.id > $after AND n.id STARTS WITH $prefix
RETURN n.id AS id
ORDER BY id
LIMIT $limit
