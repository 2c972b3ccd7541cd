// Neo4j schema, created on every start (IF NOT EXISTS makes it idempotent).
CREATE CONSTRAINT item_id IF NOT EXISTS FOR (n:Item) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT operation_id IF NOT EXISTS FOR (n:Operation) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT event_id IF NOT EXISTS FOR (n:Event) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT shipment_id IF NOT EXISTS FOR (n:Shipment) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT party_id IF NOT EXISTS FOR (n:Party) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT workorder_id IF NOT EXISTS FOR (n:WorkOrder) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT equipment_id IF NOT EXISTS FOR (n:Equipment) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT operator_id IF NOT EXISTS FOR (n:Operator) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT recipe_id IF NOT EXISTS FOR (n:Recipe) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT inspection_id IF NOT EXISTS FOR (n:Inspection) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT maintenance_id IF NOT EXISTS FOR (n:Maintenance) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT reading_id IF NOT EXISTS FOR (n:Reading) REQUIRE n.id IS UNIQUE;
CREATE INDEX event_epcis_id IF NOT EXISTS FOR (n:Event) ON (n.epcisEventId);
CREATE INDEX input_to_event IF NOT EXISTS FOR ()-[r:INPUT_TO]-() ON (r.eventId);
CREATE INDEX output_event IF NOT EXISTS FOR ()-[r:OUTPUT]-() ON (r.eventId);
CREATE INDEX packed_in_event IF NOT EXISTS FOR ()-[r:PACKED_IN]-() ON (r.eventId);
CREATE INDEX shipped_in_event IF NOT EXISTS FOR ()-[r:SHIPPED_IN]-() ON (r.eventId)
;
// Recall, traceback events (issue 4, issue 7).
CREATE CONSTRAINT recall_id IF NOT EXISTS FOR (n:Recall) REQUIRE n.id IS UNIQUE;
CREATE INDEX item_material IF NOT EXISTS FOR (n:Item) ON (n.material);
CREATE INDEX item_supplier_lot IF NOT EXISTS FOR (n:Item) ON (n.supplierLot);
CREATE INDEX operation_station IF NOT EXISTS FOR (n:Operation) ON (n.station);
CREATE INDEX reading_parameter IF NOT EXISTS FOR (n:Reading) ON (n.parameter);
// --- holds (api/schema/holds.ts)
CREATE CONSTRAINT hold_id IF NOT EXISTS FOR (n:Hold) REQUIRE n.id IS UNIQUE;
CREATE INDEX hold_status IF NOT EXISTS FOR (n:Hold) ON (n.status)
;
// --- specs and alarms (ingest/monitor)
CREATE CONSTRAINT spec_id IF NOT EXISTS FOR (n:Spec) REQUIRE n.id IS UNIQUE;
CREATE INDEX spec_key IF NOT EXISTS FOR (n:Spec) ON (n.specKey);
CREATE CONSTRAINT alarm_id IF NOT EXISTS FOR (n:Alarm) REQUIRE n.id IS UNIQUE;
CREATE INDEX alarm_raised_at IF NOT EXISTS FOR (n:Alarm) ON (n.raisedAt);
// --- the quality loop: at most one open alarm per (equipment, parameter, family) across every
// worker (openKey is null once cleared, and uniqueness ignores nulls); control limits per version.
CREATE CONSTRAINT alarm_open_key IF NOT EXISTS FOR (n:Alarm) REQUIRE n.openKey IS UNIQUE;
CREATE CONSTRAINT control_limit_id IF NOT EXISTS FOR (n:ControlLimit) REQUIRE n.id IS UNIQUE
