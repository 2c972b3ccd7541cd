// {{Pattern}} is one of the flow patterns; offsets index the arrays load-items/load-vertices filled.
// {{Qty}}/{{Uom}} are an INPUT_TO/OUTPUT edge's quantity (NULL for other edges). The quantity goes
// through to_json, which writes the shortest exact form; COPY TO writes a DOUBLE with 6 decimals.
// The uom, free text, goes last (the reader keeps the last field whole).
MATCH {{Pattern}} RETURN offset(id(a)) AS a, offset(id(b)) AS b, {{Hash}} AS h, {{Qty}} AS qty, {{Uom}} AS uom
