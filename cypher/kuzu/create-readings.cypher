UNWIND $rows AS r
CREATE (:Reading {id: r.id, parameter: r.parameter, value: CAST(r.value AS DOUBLE), uom: r.uom, eventTime: r.eventTime})
