// One row at a time: Kuzu plans UNWIND + MATCH on a primary key as a scan of the whole table.
MATCH (i:Item {id: $id})
SET i.kind = $kind, i.rank = $rank, i.container = $container
