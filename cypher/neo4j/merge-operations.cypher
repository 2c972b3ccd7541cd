UNWIND $rows AS r
MERGE (o:Operation {id: r.id})
WITH o, r
WHERE o.opKey IS NULL OR o.opKey < r.key
SET o.step = r.step, o.station = r.station, o.startTime = r.startTime, o.endTime = r.endTime,
    o.result = r.result, o.opKey = r.key
