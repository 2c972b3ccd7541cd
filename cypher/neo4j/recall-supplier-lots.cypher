// Lots received under the supplier's own lot numbers.
UNWIND $numbers AS n
MATCH (i:Item {supplierLot: n})
RETURN n AS supplierLot, i.id AS id
