MATCH (o:Operation {id: $id})
WHERE o.opKey < $key
SET o.step = $step, o.station = $station, o.startTime = $startTime, o.endTime = $endTime,
    o.result = $result, o.opKey = $key
