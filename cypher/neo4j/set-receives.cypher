UNWIND $rows AS r
MATCH (i:Item {id: r.id})
WHERE i.receiveKey IS NULL OR i.receiveKey < r.key
SET i.material = r.material, i.qty = r.qty, i.uom = r.uom, i.supplier = r.supplier,
    i.supplierLot = r.supplierLot, i.receiveKey = r.key
