// Received lots of a material.
MATCH (i:Item) WHERE i.material = $material RETURN i.id AS id
