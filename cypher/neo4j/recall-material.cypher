// Received lots of a material.
MATCH (i:Item {material: $material}) RETURN i.id AS id
