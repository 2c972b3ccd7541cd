// A new active hold; its HOLDS edges are copied in after it (adapter: copy('HOLDS', ...)).
CREATE (h:Hold {id: $id, reason: $reason, placedBy: $by, placedAt: $at, status: 'active'})
