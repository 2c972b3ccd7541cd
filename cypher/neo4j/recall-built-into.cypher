// Units that went into an operation that made something else from them (sub-assemblies).
UNWIND $ids AS id
MATCH (:Item {id: id})-[:INPUT_TO]->(:Operation)-[:OUTPUT]->(x:Item)
WHERE x.id <> id
RETURN DISTINCT id
