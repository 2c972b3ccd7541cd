UNWIND $rows AS r
CREATE (:Maintenance {id: r.id, type: r.type, startTime: r.startTime, endTime: r.endTime, result: r.result})
