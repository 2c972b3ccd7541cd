CREATE (:Recall {id: $id, name: $name, criteria: $criteria, counts: $counts, scope: $scope, status: $status, createdAt: $createdAt, createdBy: $createdBy})
