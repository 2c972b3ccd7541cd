// Holds matching the filters, newest first; a null filter means "any".
MATCH (h:Hold)
WHERE ($id IS NULL OR h.id = $id)
  AND ($status IS NULL OR h.status = $status)
  AND ($item IS NULL OR EXISTS { MATCH (h)-[:HOLDS]->(:Item {id: $item}) })
MATCH (h)-[:HOLDS]->(i:Item)
WITH h, collect(i.id) AS items
RETURN h.id AS id, h.reason AS reason, h.status AS status, h.placedBy AS placedBy, h.placedAt AS placedAt,
       h.releasedBy AS releasedBy, h.releasedAt AS releasedAt, h.releaseMeaning AS releaseMeaning, items
ORDER BY placedAt DESC, id
