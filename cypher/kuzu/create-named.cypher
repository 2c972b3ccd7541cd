// {{Label}} is one of Party, WorkOrder, Equipment, Operator, Recipe (substituted from a fixed list).
UNWIND $rows AS r
CREATE (:{{Label}} {id: r.id})
