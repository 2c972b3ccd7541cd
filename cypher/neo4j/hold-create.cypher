// A new active hold; its HOLDS edges are drawn by hold-link in slices.
CREATE (h:Hold {id: $id, reason: $reason, placedBy: $by, placedAt: $at, status: 'active'})
