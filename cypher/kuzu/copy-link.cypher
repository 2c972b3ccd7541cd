// {{Rel}} and {{Options}} come from a fixed list in the adapter (e.g. `ON` with (from='Operation', to='Equipment')).
COPY {{Rel}} FROM (UNWIND $rows AS r RETURN r.from, r.to) {{Options}}
