UNWIND $rows AS r
MATCH (i:Item {id: r.item})
CREATE (n:Inspection {id: r.id, result: r.result, defects: r.defects, measurements: r.measurements,
                      station: r.station, inspectorId: r.inspectorId, eventTime: r.eventTime})-[:OF]->(i)
