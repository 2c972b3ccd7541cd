// Saved recalls by id (prefix, keyset paging); $status = '' for every status (null is a draft).
MATCH (r:Recall)
WHERE r.id > $after AND starts_with(r.id, $prefix)
  AND ($status = '' OR coalesce(r.status, 'draft') = $status)
RETURN r.id AS id, r.name AS name, r.status AS status, r.createdAt AS createdAt
ORDER BY id
LIMIT $limit
