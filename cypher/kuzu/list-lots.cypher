// Lots by id (prefix, keyset paging); material, supplier and supplier lot match a lower-cased part ('' = any).
MATCH (i:Item)
WHERE i.kind = 'lot' AND i.id > $after AND starts_with(i.id, $prefix)
  AND ($material = '' OR contains(lower(coalesce(i.material, '')), $material))
  AND ($supplier = '' OR contains(lower(coalesce(i.supplier, '')), $supplier))
  AND ($supplierLot = '' OR contains(lower(coalesce(i.supplierLot, '')), $supplierLot))
RETURN i.id AS id, i.material AS material, i.qty AS qty, i.uom AS uom, i.supplier AS supplier, i.supplierLot AS supplierLot
ORDER BY id
LIMIT $limit
