// One slice of a hold's items (all known to exist: the adapter checked with hold-known-items).
MATCH (h:Hold {id: $id})
UNWIND $items AS x
MATCH (i:Item {id: x})
MERGE (h)-[:HOLDS]->(i)
