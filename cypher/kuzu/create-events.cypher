UNWIND $rows AS r
CREATE (:Event {id: r.id, kind: r.kind, eventTime: r.eventTime, recordTime: r.recordTime,
                source: r.source, voided: r.voided, epcisEventId: r.epcisEventId, payload: r.payload})
