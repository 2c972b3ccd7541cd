// Materials of lots by name (prefix, keyset paging), with how many lots each.
MATCH (i:Item)
WHERE i.kind = 'lot' AND i.material IS NOT NULL AND i.material > $after AND starts_with(i.material, $prefix)
RETURN i.material AS material, count(*) AS lots
ORDER BY material
LIMIT $limit
