CREATE (:Recall {id: $id, name: $name, criteria: $criteria, counts: $counts, createdAt: $createdAt, createdBy: $createdBy})
