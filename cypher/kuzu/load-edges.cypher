// {{Pattern}} is one of the flow patterns; offsets index the arrays load-items/load-vertices filled.
MATCH {{Pattern}} RETURN offset(id(a)) AS a, offset(id(b)) AS b, {{Hash}} AS h
