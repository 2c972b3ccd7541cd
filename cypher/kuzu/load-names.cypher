// {{Label}} is WorkOrder, Equipment, Operator or Recipe.
MATCH (n:{{Label}}) RETURN n.id AS id
