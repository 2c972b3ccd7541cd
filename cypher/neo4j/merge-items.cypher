// The kind claim only ever strengthens and `container` only turns on: any arrival order ends the same.
UNWIND $rows AS r
MERGE (i:Item {id: r.id})
  ON CREATE SET i.rank = r.rank, i.container = r.container
  ON MATCH SET i.rank = CASE WHEN r.rank > i.rank THEN r.rank ELSE i.rank END,
               i.container = i.container OR r.container
SET i.kind = CASE WHEN i.rank % 2 = 0 THEN 'unit' ELSE 'lot' END
