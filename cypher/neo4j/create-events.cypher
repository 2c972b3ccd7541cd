UNWIND $rows AS r
CREATE (e:Event)
SET e = r
