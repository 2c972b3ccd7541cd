UNWIND $rows AS r
CREATE (:Item {id: r.id, kind: r.kind, rank: r.rank, container: r.container})
