// Lots received under the supplier's own lot numbers.
MATCH (i:Item) WHERE i.supplierLot IN $numbers RETURN i.supplierLot AS supplierLot, i.id AS id
