UNWIND $rows AS r
CREATE (:Operation {id: r.id, step: r.step, station: r.station, startTime: r.startTime,
                    endTime: r.endTime, result: r.result, opKey: r.key})
