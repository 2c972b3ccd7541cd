// Holds matching the filters, newest first. An empty string means "any" (Kuzu cannot infer the
// type of a null parameter).
MATCH (h:Hold)
WHERE ($id = '' OR h.id = $id)
  AND ($status = '' OR h.status = $status)
  AND ($item = '' OR EXISTS { MATCH (h)-[:HOLDS]->(:Item {id: $item}) })
MATCH (h)-[:HOLDS]->(i:Item)
RETURN h.id AS id, h.reason AS reason, h.status AS status, h.placedBy AS placedBy, h.placedAt AS placedAt,
       h.releasedBy AS releasedBy, h.releasedAt AS releasedAt, h.releaseMeaning AS releaseMeaning,
       collect(i.id) AS items
ORDER BY placedAt DESC, id
