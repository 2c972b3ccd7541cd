// {{From}}, {{Rel}}, {{To}} come from a fixed list in the adapter.
UNWIND $rows AS r
MATCH (a:{{From}} {id: r.from})
MATCH (b:{{To}} {id: r.to})
MERGE (a)-[:{{Rel}}]->(b)
