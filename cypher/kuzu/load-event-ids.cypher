MATCH (e:Event) RETURN e.id AS id
