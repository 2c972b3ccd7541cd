MATCH (r:Recall {id: $id}) SET r.status = $status RETURN r.id AS id
