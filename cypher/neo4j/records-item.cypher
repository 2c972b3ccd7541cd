// itemRecords: the items of a batch of ids (one query per batch, not per id).
UNWIND $ids AS id
MATCH (i:Item {id: id})
RETURN i.id AS id, i.kind AS kind, i.container AS container, i.material AS material, i.qty AS qty, i.uom AS uom,
       i.supplier AS supplier, i.supplierLot AS supplierLot, i.receiveKey AS receiveKey
