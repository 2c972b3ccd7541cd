MATCH (i:Item {id: $id})
WHERE i.receiveKey IS NULL OR i.receiveKey < $key
SET i.material = $material, i.qty = CAST($qty AS DOUBLE), i.uom = $uom, i.supplier = $supplier,
    i.supplierLot = $supplierLot, i.receiveKey = $key
