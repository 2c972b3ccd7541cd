MATCH (e:Equipment) RETURN e.id AS id ORDER BY id
