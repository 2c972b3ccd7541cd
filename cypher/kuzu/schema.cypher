// Embedded (Kuzu) schema. Lots and units share one Item table because events may name an id
// before anything says what it is (Kuzu cannot move a node between tables); `kind` says which.
CREATE NODE TABLE IF NOT EXISTS Item(id STRING PRIMARY KEY, kind STRING, rank INT8, container BOOLEAN, material STRING, qty DOUBLE, uom STRING, supplier STRING, supplierLot STRING, receiveKey STRING);
CREATE NODE TABLE IF NOT EXISTS Operation(id STRING PRIMARY KEY, step STRING, station STRING, startTime STRING, endTime STRING, result STRING, opKey STRING);
CREATE NODE TABLE IF NOT EXISTS Event(id STRING PRIMARY KEY, kind STRING, eventTime STRING, recordTime STRING, source STRING, voided BOOLEAN, epcisEventId STRING, payload STRING);
CREATE NODE TABLE IF NOT EXISTS Shipment(id STRING PRIMARY KEY, eventTime STRING, eventId STRING, qty DOUBLE);
CREATE NODE TABLE IF NOT EXISTS Party(id STRING PRIMARY KEY);
CREATE NODE TABLE IF NOT EXISTS WorkOrder(id STRING PRIMARY KEY);
CREATE NODE TABLE IF NOT EXISTS Equipment(id STRING PRIMARY KEY);
CREATE NODE TABLE IF NOT EXISTS Operator(id STRING PRIMARY KEY);
CREATE NODE TABLE IF NOT EXISTS Recipe(id STRING PRIMARY KEY);
CREATE NODE TABLE IF NOT EXISTS Inspection(id STRING PRIMARY KEY, result STRING, defects STRING, measurements STRING, station STRING, inspectorId STRING, eventTime STRING);
CREATE NODE TABLE IF NOT EXISTS Maintenance(id STRING PRIMARY KEY, type STRING, startTime STRING, endTime STRING, result STRING);
CREATE NODE TABLE IF NOT EXISTS Reading(id STRING PRIMARY KEY, parameter STRING, value DOUBLE, uom STRING, eventTime STRING);
// Flow edges carry the event that drew them (eventId) and its 32-bit hash (h), which the
// in-memory trace index loads without reading strings.
CREATE REL TABLE IF NOT EXISTS INPUT_TO(FROM Item TO Operation, qty DOUBLE, uom STRING, eventId STRING, h INT32);
CREATE REL TABLE IF NOT EXISTS OUTPUT(FROM Operation TO Item, qty DOUBLE, uom STRING, eventId STRING, h INT32);
CREATE REL TABLE IF NOT EXISTS PACKED_IN(FROM Item TO Item, eventId STRING, eventTime STRING, h INT32);
// Tables that no query reads against their direction (from the `TO` side) are stored forward only
// (storage_direction = 'fwd'): COPY and COMMIT then write one adjacency list, not two (README,
// Ingest throughput). Kuzu still answers a pattern anchored at the `TO` end, by a scan; only the
// cross-check trace-events does so. A database made before keeps its tables in both directions.
CREATE REL TABLE IF NOT EXISTS SHIPPED_IN(FROM Item TO Shipment, eventId STRING, h INT32) WITH (storage_direction = 'fwd');
CREATE REL TABLE IF NOT EXISTS `TO`(FROM Shipment TO Party) WITH (storage_direction = 'fwd');
CREATE REL TABLE IF NOT EXISTS SUPPLIED_BY(FROM Item TO Party) WITH (storage_direction = 'fwd');
CREATE REL TABLE IF NOT EXISTS `FOR`(FROM Operation TO WorkOrder) WITH (storage_direction = 'fwd');
CREATE REL TABLE IF NOT EXISTS `ON`(FROM Operation TO Equipment, FROM Maintenance TO Equipment) WITH (storage_direction = 'fwd');
CREATE REL TABLE IF NOT EXISTS `BY`(FROM Operation TO Operator) WITH (storage_direction = 'fwd');
CREATE REL TABLE IF NOT EXISTS FOLLOWS(FROM Operation TO Recipe) WITH (storage_direction = 'fwd');
CREATE REL TABLE IF NOT EXISTS `OF`(FROM Inspection TO Item);
CREATE REL TABLE IF NOT EXISTS MEASURED_ON(FROM Reading TO Equipment);
// Recall, traceback events (issue 4, issue 7): every item a live event names, and saved recall scopes.
CREATE REL TABLE IF NOT EXISTS MENTIONS(FROM Event TO Item) WITH (storage_direction = 'fwd');
CREATE NODE TABLE IF NOT EXISTS Recall(id STRING PRIMARY KEY, name STRING, criteria STRING, counts STRING, createdAt STRING, createdBy STRING);
// A saved recall's frozen scope (JSON) and status (draft, approved, closed); added to databases made before.
ALTER TABLE Recall ADD IF NOT EXISTS scope STRING;
ALTER TABLE Recall ADD IF NOT EXISTS status STRING;
// --- holds (api/schema/holds.ts): a hold keeps suspect lots and units from moving on until a
// signed release. status is 'active' or 'released'; release fields are null while active.
CREATE NODE TABLE IF NOT EXISTS Hold(id STRING PRIMARY KEY, reason STRING, placedBy STRING, placedAt STRING, releasedBy STRING, releasedAt STRING, releaseMeaning STRING, status STRING);
CREATE REL TABLE IF NOT EXISTS HOLDS(FROM Hold TO Item);
;
// --- specs and alarms (ingest/monitor): every version of a spec is a node (specKey names its
// parameter/equipment/recipe, '' = any); an alarm is open until a reading is back inside its limits.
CREATE NODE TABLE IF NOT EXISTS Spec(id STRING PRIMARY KEY, specKey STRING, parameter STRING, equipmentId STRING, recipeId STRING, lsl DOUBLE, usl DOUBLE, target DOUBLE, uom STRING, version INT64, changedBy STRING, changedAt STRING, reason STRING);
CREATE NODE TABLE IF NOT EXISTS Alarm(id STRING PRIMARY KEY, rule STRING, status STRING, equipmentId STRING, parameter STRING, value DOUBLE, crossed DOUBLE, lsl DOUBLE, usl DOUBLE, uom STRING, recipeId STRING, specVersion INT64, raisedAt STRING, readingEventId STRING, clearedAt STRING, clearValue DOUBLE, message STRING, severity STRING, acknowledgedBy STRING, acknowledgedAt STRING, ackComment STRING, escalatedAt STRING, holdId STRING, openKey STRING);
CREATE REL TABLE IF NOT EXISTS RAISED_AT(FROM Alarm TO Equipment, FROM Alarm TO Operation);
// --- the quality loop: lifecycle columns for alarms made before them, and versioned control limits
// (SPC) per parameter and equipment ('' = any); `definition` holds the frozen limits and rules as JSON.
ALTER TABLE Alarm ADD IF NOT EXISTS severity STRING;
ALTER TABLE Alarm ADD IF NOT EXISTS acknowledgedBy STRING;
ALTER TABLE Alarm ADD IF NOT EXISTS acknowledgedAt STRING;
ALTER TABLE Alarm ADD IF NOT EXISTS ackComment STRING;
ALTER TABLE Alarm ADD IF NOT EXISTS escalatedAt STRING;
ALTER TABLE Alarm ADD IF NOT EXISTS holdId STRING;
ALTER TABLE Alarm ADD IF NOT EXISTS openKey STRING;
CREATE NODE TABLE IF NOT EXISTS ControlLimit(id STRING PRIMARY KEY, limitKey STRING, parameter STRING, equipmentId STRING, version INT64, center DOUBLE, lcl DOUBLE, ucl DOUBLE, sigma DOUBLE, definition STRING, setBy STRING, setAt STRING, reason STRING);
