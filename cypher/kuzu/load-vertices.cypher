// {{Label}} is Operation, Shipment or Party.
MATCH (n:{{Label}}) RETURN offset(id(n)) AS o, n.id AS id
