UNWIND $rows AS r
CREATE (:Inspection {id: r.id, result: r.result, defects: r.defects, measurements: r.measurements,
                     station: r.station, inspectorId: r.inspectorId, eventTime: r.eventTime})
