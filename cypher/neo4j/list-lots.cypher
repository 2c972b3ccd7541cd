// Lots by id (prefix, keyset paging); material, supplier and supplier lot match a lower-cased part ('' = any).
MATCH (i:Item)
WHERE i.kind = 'lot' AND i.id > $after AND i.id STARTS WITH $prefix
  AND ($material = '' OR toLower(coalesce(i.material, '')) CONTAINS $material)
  AND ($supplier = '' OR toLower(coalesce(i.supplier, '')) CONTAINS $supplier)
  AND ($supplierLot = '' OR toLower(coalesce(i.supplierLot, '')) CONTAINS $supplierLot)
RETURN i.id AS id, i.material AS material, i.qty AS qty, i.uom AS uom, i.supplier AS supplier, i.supplierLot AS supplierLot
ORDER BY id
LIMIT $limit
