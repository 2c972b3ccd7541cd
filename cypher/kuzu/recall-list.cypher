MATCH (r:Recall)
RETURN r.id AS id, r.name AS name, r.criteria AS criteria, r.counts AS counts, r.scope AS scope, r.status AS status,
       r.createdAt AS createdAt, r.createdBy AS createdBy
ORDER BY r.createdAt, r.id
