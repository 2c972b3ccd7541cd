// Releases an active hold; returns nothing when the hold is unknown or already released.
MATCH (h:Hold {id: $id})
WHERE h.status = 'active'
SET h.status = 'released', h.releasedBy = $by, h.releasedAt = $at, h.releaseMeaning = $meaning
RETURN h.id AS id
