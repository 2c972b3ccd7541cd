// {{Label}} is one of Party, WorkOrder, Equipment, Operator, Recipe (from a fixed list).
UNWIND $ids AS id
MERGE (:{{Label}} {id: id})
