/**
 * The quality loop on a real embedded store and the real pipeline: SPC rule alarms on frozen
 * control limits, alarm policies (severity, hold, escalation), automatic holds of what ran while a
 * parameter was out and of what is made from held material, one alarm across two workers, and
 * calibration falling overdue.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AlarmRecord, GraphStore, HoldRecord } from '../../cypher/port.ts';
import { AuditTrail } from '../../domain/audit/trail.ts';
import type { Signer } from '../../domain/auth/signatures.ts';
import { placeHold, releaseHold } from '../../domain/holds.ts';
import { acknowledgeAlarm } from '../../domain/loop/alarms.ts';
import { parseQualityConfig, type QualityConfig, type QualityConfigInput } from '../../domain/loop/config.ts';
import { setControlLimits } from '../../domain/loop/control-limits.ts';
import { Interlock } from '../../domain/loop/interlock.ts';
import { Monitor } from '../../ingest/monitor/monitor.ts';
import { allCommitted, Pipeline } from '../../ingest/pipeline/pipeline.ts';
import { ev } from '../helpers/events.ts';
import { backends, tempDir } from '../helpers/stores.ts';

/** Signs as `qe` and records the signature like requireSignature does (the API tests use the real one). */
const signerFor =
  (audit: AuditTrail): Signer =>
  async ({ meaning, target }) => {
    const e = await audit.append({ actor: 'qe', action: 'signature', target, details: { meaning, role: 'quality' } });
    return { signer: 'qe', role: 'quality', signedAt: e.time, meaning, target, auditSeq: e.seq, auditHash: e.hash };
  };

const T0 = Date.UTC(2026, 5, 1, 8);
const t = (s: number) => new Date(T0 + s * 1000).toISOString();

/** A spec on parameter p of E1 with an upper limit of 10. */
const upperSpecOnE1 = (store: GraphStore) =>
  store.saveSpec({
    parameter: 'p',
    equipmentId: 'E1',
    recipeId: null,
    lsl: null,
    usl: 10,
    target: null,
    uom: null,
    changedBy: 'eng',
    changedAt: t(0),
    reason: 'r',
  });

/** The real store with its alarm writes held back (as a busy write batch holds them) until `openGate`. */
function alarmWritesHeld(): { slow: (s: GraphStore) => GraphStore; openGate: () => void } {
  let openGate!: () => void;
  const gate = new Promise<void>((r) => (openGate = r));
  const slow = (s: GraphStore): GraphStore =>
    Object.assign(Object.create(s) as GraphStore, {
      openAlarm: async (x: Parameters<GraphStore['openAlarm']>[0]) => (await gate, s.openAlarm(x)),
      clearAlarm: async (x: Parameters<GraphStore['clearAlarm']>[0]) => (await gate, s.clearAlarm(x)),
    });
  return { slow, openGate };
}

interface Rig {
  dir: string;
  store: GraphStore;
  audit: AuditTrail;
  pipeline: Pipeline;
  monitor: Monitor;
  raised: AlarmRecord[];
  cleared: AlarmRecord[];
  changed: AlarmRecord[];
  holdEvents: HoldRecord[];
  config: QualityConfig;
  now: number;
  send(...events: Parameters<typeof ev>[0][]): Promise<void>;
}

let rigs: Rig[] = [];
/** The store of the backend under test (a fresh one each call: Kuzu in a new directory, Neo4j cleared). */
let openStore: () => Promise<GraphStore>;

async function rig(
  config: QualityConfigInput = {},
  shared?: { dir: string; store: GraphStore },
  opts: { announce?: 'judged' | 'stored'; store?: (s: GraphStore) => GraphStore; warnings?: string[] } = {},
): Promise<Rig> {
  const dir = shared?.dir ?? tempDir();
  const real = shared?.store ?? (await openStore());
  const store = opts.store?.(real) ?? real;
  const audit = new AuditTrail(dir);
  const r = {
    dir,
    store,
    audit,
    raised: [],
    cleared: [],
    changed: [],
    holdEvents: [],
    config: parseQualityConfig(config),
    now: T0,
  } as unknown as Rig;
  r.monitor = await Monitor.start({
    store,
    announce: opts.announce,
    audit,
    config: () => r.config,
    tickMs: 0,
    specMaxAgeMs: 0,
    now: () => r.now,
    warn: (m) => {
      if (!opts.warnings) throw new Error(m);
      opts.warnings.push(m);
    },
    onAlarmRaised: (a) => r.raised.push(a),
    onAlarmCleared: (a) => r.cleared.push(a),
    onAlarmChanged: (a) => r.changed.push(a),
    onHoldChanged: (h) => r.holdEvents.push(h),
  });
  r.pipeline = new Pipeline({
    dataDir: shared ? tempDir() : dir,
    store,
    batchWindowMs: 5,
    onDurable: r.monitor.onDurable,
    onCommitted: allCommitted(r.monitor.onCommitted),
  });
  await r.pipeline.start();
  r.send = async (...events) => {
    for (const e of events) await r.pipeline.submit('mqtt:test', ev(e));
    await r.pipeline.flush();
    await r.monitor.idle();
  };
  rigs.push(r);
  return r;
}

beforeEach(() => {
  rigs = [];
});
afterEach(async () => {
  for (const r of rigs.reverse()) {
    await r.monitor.close();
    await r.pipeline.close();
  }
  const stores = new Set(rigs.map((r) => r.store));
  for (const s of stores) await s.close().catch(() => undefined); // a wrapped store is closed through the real one too
});

for (const backend of backends())
  describe.skipIf(backend.skip)(`the quality loop on ${backend.name}`, () => {
    beforeAll(() => {
      openStore = () => backend.open();
    });
    afterEach(() => backend.release());
    loopSuites();
  });

function loopSuites(): void {
  type Draft = Parameters<typeof ev>[0];

  const reading = (n: number, value: number, equipmentId = 'REFLOW-1', parameter = 'zone3_temp'): Draft & { value: number } => ({
    kind: 'reading',
    eventId: `rd-${equipmentId}-${parameter}-${n}-${value}`,
    eventTime: t(n),
    equipmentId,
    parameter,
    value,
    uom: 'Cel',
  });

  const reflow = (n: number, board: string): Draft => ({
    kind: 'operation',
    eventId: `op-reflow-${board}`,
    eventTime: t(n),
    operationId: `REFLOW:${board}`,
    step: 'reflow',
    station: 'line1-REFLOW',
    equipmentId: 'REFLOW-1',
    inputs: [{ id: board }],
    outputs: [],
  });

  const assemble = (n: number, board: string, unit: string): Draft => ({
    kind: 'operation',
    eventId: `op-assy-${unit}`,
    eventTime: t(n),
    operationId: `ASSY:${unit}`,
    step: 'final-assembly',
    station: 'line1-ASSY',
    equipmentId: 'ASSY-1',
    inputs: [{ id: board }, { id: 'HOUSING-LOT-1', qty: 1 }],
    outputs: [{ id: unit, type: 'unit' }],
  });

  /** A deterministic noise around a centre: a zig-zag of small steps. */
  const noisy = (i: number) => [0.3, -0.2, 0.1, -0.4, 0.2, -0.1, 0.4, -0.3][i % 8]!;

  describe('SPC rule alarms', () => {
    it('a run of nine readings above the centre raises a nelson2 alarm; a reading below the centre clears it', async () => {
      const r = await rig({ alarmPolicies: [{ rule: 'spc', severity: 'major', action: 'alarm' }] });
      const baseline = Array.from({ length: 30 }, (_, i) => reading(i, 220 + noisy(i)));
      await r.send(...baseline);
      const limits = await setControlLimits({ store: r.store, audit: r.audit }, signerFor(r.audit), {
        limits: {
          parameter: 'zone3_temp',
          equipmentId: 'REFLOW-1',
          baselineFrom: t(0),
          baselineTo: t(29),
          rules: ['we1', 'nelson2'],
          reason: 'baseline week 23',
        },
      });
      expect(limits).toMatchObject({ version: 1, setBy: 'qe', parameter: 'zone3_temp' });
      expect(limits.center).toBeCloseTo(baseline.reduce((s, x) => s + x.value, 0) / 30, 9);
      // The monitor hears of new limits through its hooks; without a bus here it starts again.
      await r.monitor.close();
      r.monitor = await Monitor.start({
        store: r.store,
        config: () => r.config,
        tickMs: 0,
        specMaxAgeMs: 0,
        onAlarmRaised: (a) => r.raised.push(a),
        onAlarmCleared: (a) => r.cleared.push(a),
      });
      const mon = r.monitor;
      const judge = async (n: number, v: number) => {
        mon.onDurable([ev(reading(n, v))]);
        await mon.idle();
      };
      // Eight points just above the centre, inside the limits: no rule has fired yet.
      for (let i = 0; i < 8; i++) await judge(100 + i, limits.center + 0.3);
      expect(r.raised).toEqual([]);
      await judge(108, limits.center + 0.3);
      expect(r.raised).toHaveLength(1);
      expect(r.raised[0]).toMatchObject({
        rule: 'nelson2',
        severity: 'major',
        status: 'open',
        equipmentId: 'REFLOW-1',
        specVersion: 1,
      });
      expect(r.raised[0]!.message).toMatch(/nelson2/);
      // Still running: the same alarm, not a new one.
      await judge(109, limits.center + 0.3);
      expect(r.raised).toHaveLength(1);
      await judge(110, limits.center - 0.3);
      expect(r.cleared.map((a) => a.id)).toEqual([r.raised[0]!.id]);
      const stored = await r.store.alarms({ equipmentId: 'REFLOW-1' });
      expect(stored.map((a) => [a.rule, a.status])).toEqual([['nelson2', 'cleared']]);
    });

    it('a point beyond the control limits is a we1 alarm, while a spec alarm on the same parameter is a separate one', async () => {
      const r = await rig();
      await r.store.saveSpec({
        parameter: 'zone3_temp',
        equipmentId: 'REFLOW-1',
        recipeId: null,
        lsl: 215,
        usl: 225,
        target: 220,
        uom: 'Cel',
        changedBy: 'eng',
        changedAt: t(0),
        reason: 'r',
      });
      await setControlLimits({ store: r.store, audit: r.audit }, signerFor(r.audit), {
        limits: {
          parameter: 'zone3_temp',
          equipmentId: 'REFLOW-1',
          center: 220,
          sigma: 0.5,
          rules: ['we1'],
          reason: 'from the last study',
        },
      });
      await r.monitor.close();
      r.monitor = await Monitor.start({ store: r.store, tickMs: 0, specMaxAgeMs: 0, onAlarmRaised: (a) => r.raised.push(a) });
      r.monitor.onDurable([ev(reading(1, 222))]); // beyond UCL 221.5, inside the spec
      r.monitor.onDurable([ev(reading(2, 226))]); // beyond both
      await r.monitor.idle();
      expect(r.raised.map((a) => a.rule)).toEqual(['we1', 'spec']);
      expect(r.raised.map((a) => a.severity)).toEqual(['warning', 'warning']);
    });
  });

  describe('automatic holds', () => {
    const config: QualityConfigInput = {
      alarmPolicies: [{ rule: 'spec', parameter: 'zone3_temp', severity: 'critical', action: 'hold' }],
    };
    const spec = (r: Rig) =>
      r.store.saveSpec({
        parameter: 'zone3_temp',
        equipmentId: 'REFLOW-1',
        recipeId: null,
        lsl: 215,
        usl: 225,
        target: 220,
        uom: 'Cel',
        changedBy: 'eng',
        changedAt: t(0),
        reason: 'r',
      });

    it('holds what ran on the equipment while the parameter was out, and what is made from it, with the alarm as reason', async () => {
      const r = await rig(config);
      await spec(r);
      await r.send(reading(1, 220), reflow(2, 'B1'));
      await r.send(reading(3, 229)); // out: the alarm opens
      expect(r.raised).toHaveLength(1);
      expect(r.raised[0]!.severity).toBe('critical');
      await r.send(reflow(4, 'B2'), reflow(5, 'B3'));
      const [alarm] = await r.store.alarms({ status: 'open' });
      expect(alarm!.holdId).toMatch(/^H-/);
      let [hold] = await r.store.holds({ id: alarm!.holdId! });
      expect(hold!.items).toEqual(['B2', 'B3']);
      expect(hold!.reason).toContain(alarm!.id);
      expect(hold!.placedBy).toBe('system');
      // Made later from a held board: born held, in the same hold.
      await r.send(assemble(6, 'B2', 'U2'));
      [hold] = await r.store.holds({ id: alarm!.holdId! });
      expect(hold!.items).toEqual(['B2', 'B3', 'U2']);
      await r.send(reading(7, 221)); // back inside: the alarm clears, the window closes
      await r.send(reflow(8, 'B4'), assemble(9, 'B1', 'U1'));
      [hold] = await r.store.holds({ id: alarm!.holdId! });
      expect(hold!.items).toEqual(['B2', 'B3', 'U2']);
      expect(r.holdEvents.at(-1)!.items).toEqual(['B2', 'B3', 'U2']);
      const audit = await r.audit.query({ first: 100, actor: 'system' });
      expect(audit.entries.map((e) => e.action)).toEqual(['hold.place', 'hold.extend', 'hold.extend']);
    });

    it('material processed before a late reading raised the alarm is held with what was made from it', async () => {
      const r = await rig(config);
      await spec(r);
      // The reading arrives late: the operations inside its window are already in the graph.
      await r.send(reflow(10, 'B7'), assemble(11, 'B7', 'U7'));
      await r.send(reading(9, 230));
      const [alarm] = await r.store.alarms({ status: 'open' });
      const [hold] = await r.store.holds({ id: alarm!.holdId! });
      expect(hold!.items).toEqual(['B7', 'U7']);
    });

    it('releasing the alarm hold leaves holds placed for other reasons on the same items', async () => {
      const r = await rig(config);
      await spec(r);
      await r.send(reading(1, 229), reflow(2, 'B5'));
      const [alarm] = await r.store.alarms({ status: 'open' });
      const other = await placeHold(
        { store: r.store, audit: r.audit },
        { items: ['B5'], reason: 'supplier notice SN-7', by: 'qe' },
      );
      await releaseHold({ store: r.store, audit: r.audit }, signerFor(r.audit), {
        id: alarm!.holdId!,
        meaning: 'retested, conforms',
      });
      expect((await r.store.holds({ item: 'B5', status: 'active' })).map((h) => h.id)).toEqual([other.id]);
    });

    it('an alarm-only policy holds nothing', async () => {
      const r = await rig({ alarmPolicies: [{ rule: 'spec', severity: 'info', action: 'alarm' }] });
      await spec(r);
      await r.send(reading(1, 229), reflow(2, 'B6'));
      expect(r.raised[0]!.severity).toBe('info');
      expect(await r.store.holds()).toEqual([]);
    });
  });

  describe('interlock on the store', () => {
    const print = (n: number, board: string): Draft => ({
      kind: 'operation',
      eventId: `op-print-${board}`,
      eventTime: t(n),
      operationId: `PRINT:${board}`,
      step: 'print',
      station: 'line1-PRINT',
      equipmentId: 'PRINTER-1',
      inputs: [{ id: 'PCB-LOT-1', qty: 1 }],
      outputs: [{ id: board, type: 'unit' }],
    });
    const aoi = (n: number, board: string, result: 'pass' | 'fail', defects: string[] = []): Draft => ({
      kind: 'inspection',
      eventId: `aoi-${board}`,
      eventTime: t(n),
      id: board,
      result,
      defects,
    });

    it('gives every reason that applies from the graph, and records each refusal', async () => {
      const r = await rig({
        routings: [
          {
            product: '*',
            steps: [{ step: 'print' }, { step: 'reflow' }, { step: 'aoi', inspection: true }, { step: 'final-assembly' }],
          },
        ],
      });
      await r.send(
        ...['B1', 'B2', 'B3', 'B4'].map((b, i) => print(i, b)),
        ...['B1', 'B2', 'B4'].map((b, i) => reflow(10 + i, b)),
        aoi(20, 'B1', 'pass'),
        aoi(21, 'B2', 'fail', ['TOMBSTONE']),
        aoi(22, 'B4', 'pass'),
      );
      await placeHold({ store: r.store, audit: r.audit }, { items: ['B1'], reason: 'supplier notice SN-9', by: 'qe' });
      const interlock = new Interlock({ store: r.store, audit: r.audit, config: () => r.config });
      const ask = (item: string) => interlock.check({ item, step: 'final-assembly', station: 'line1-ASSY', operator: 'OP-1' });
      const [b1, b2, b3, b4] = await Promise.all(['B1', 'B2', 'B3', 'B4'].map(ask));
      const codes = (a: { reasons: { code: string }[] }) => a.reasons.map((x) => x.code).sort();
      expect(codes(b1!)).toEqual(['HELD']);
      expect(b1!.reasons[0]!.message).toMatch(/supplier notice SN-9/);
      expect(codes(b2!)).toEqual(['INSPECTION_FAILED']);
      expect(b2!.reasons[0]!.message).toMatch(/TOMBSTONE/);
      // Never reflowed, so never inspected after reflow either; the step right before is the inspection.
      expect(codes(b3!)).toEqual(['INSPECTION_MISSING']);
      expect(b4).toMatchObject({ allow: true, reasons: [] });
      await interlock.idle();
      const denies = (await r.audit.query({ first: 100, action: 'interlock.deny' })).entries;
      expect(denies.map((e) => e.target).sort()).toEqual(['B1', 'B2', 'B3']);
      expect(denies.every((e) => e.actor === 'OP-1')).toBe(true);
    });
  });

  describe('one alarm across workers, escalation, due dates', () => {
    it('two workers judging the same excursion store and announce one alarm (announce: stored)', async () => {
      const a = await rig({}, undefined, { announce: 'stored' });
      await upperSpecOnE1(a.store);
      const b = await rig({}, { dir: a.dir, store: a.store }, { announce: 'stored' });
      // Each worker got a different reading of the same excursion (shared subscription).
      a.monitor.onDurable([ev(reading(1, 11, 'E1', 'p'))]);
      b.monitor.onDurable([ev(reading(2, 12, 'E1', 'p'))]);
      await Promise.all([a.monitor.idle(), b.monitor.idle()]);
      expect(await a.store.alarms({ status: 'open' })).toHaveLength(1);
      expect(a.raised.length + b.raised.length).toBe(1);
      expect(a.monitor.openAlarms().map((x) => x.id)).toEqual(b.monitor.openAlarms().map((x) => x.id));
    });

    it('two workers both given the same reading (a group after a broker restart) store and announce one alarm', async () => {
      const a = await rig({}, undefined, { announce: 'stored' });
      await upperSpecOnE1(a.store);
      const b = await rig({}, { dir: a.dir, store: a.store }, { announce: 'stored' });
      // Each member's safety net took the copy it held (ingest/mqtt/group.ts): one event, judged twice.
      const same = ev(reading(1, 11, 'E1', 'p'));
      a.monitor.onDurable([same]);
      b.monitor.onDurable([same]);
      await Promise.all([a.monitor.idle(), b.monitor.idle()]);
      expect(await a.store.alarms({ status: 'open' })).toHaveLength(1);
      expect(a.raised.length + b.raised.length).toBe(1);
    });

    it('announced when judged (the default), two workers store one alarm and the second takes its announcement back', async () => {
      const a = await rig();
      await upperSpecOnE1(a.store);
      const warnings: string[] = [];
      const b = await rig({}, { dir: a.dir, store: a.store }, { warnings });
      a.monitor.onDurable([ev(reading(1, 11, 'E1', 'p'))]);
      await a.monitor.idle();
      b.monitor.onDurable([ev(reading(2, 12, 'E1', 'p'))]);
      await b.monitor.idle();
      const open = await a.store.alarms({ status: 'open' });
      expect(open.map((x) => x.id)).toEqual([a.raised[0]!.id]);
      expect(b.cleared).toEqual([
        expect.objectContaining({ id: b.raised[0]!.id, status: 'cleared', message: expect.stringMatching(/withdrawn/) }),
      ]);
      expect(b.monitor.openAlarms().map((x) => x.id)).toEqual([a.raised[0]!.id]);
      expect(warnings).toEqual([expect.stringMatching(/withdrawn/)]);
    });

    it('announces an alarm and its clearing before the graph has written them, and the graph then has them', async () => {
      const { slow, openGate } = alarmWritesHeld();
      const r = await rig({ alarmPolicies: [{ rule: 'spec', severity: 'major', action: 'alarm' }] }, undefined, { store: slow });
      await upperSpecOnE1(r.store);
      r.monitor.onDurable([ev(reading(1, 11, 'E1', 'p'))]);
      r.monitor.onDurable([ev(reading(2, 9, 'E1', 'p'))]);
      await vi.waitFor(() => expect(r.cleared).toHaveLength(1), { timeout: 30_000 });
      expect(r.raised).toEqual([expect.objectContaining({ status: 'open', severity: 'major', value: 11 })]);
      expect(r.cleared).toEqual([expect.objectContaining({ id: r.raised[0]!.id, status: 'cleared', clearValue: 9 })]);
      expect(await r.store.alarms({})).toEqual([]);
      openGate();
      await r.monitor.idle();
      expect(await r.store.alarms({})).toEqual([
        expect.objectContaining({ id: r.raised[0]!.id, status: 'cleared', severity: 'major', clearedAt: t(2) }),
      ]);
    });

    it('an acknowledgement of an alarm announced but not yet written waits for the write, then takes', async () => {
      const { slow, openGate } = alarmWritesHeld();
      const r = await rig({ alarmPolicies: [{ rule: 'spec', severity: 'major', action: 'alarm' }] }, undefined, { store: slow });
      await upperSpecOnE1(r.store);
      r.monitor.onDurable([ev(reading(1, 11, 'E1', 'p'))]);
      await vi.waitFor(() => expect(r.raised).toHaveLength(1), { timeout: 30_000 });
      const id = r.raised[0]!.id;
      const ack = acknowledgeAlarm(
        { store: r.store, audit: r.audit, alarmWrites: r.monitor },
        { id, comment: 'checking the oven', by: 'qe' },
      );
      // Without waiting for the write it would find no alarm (NOT_FOUND).
      await expect(acknowledgeAlarm({ store: r.store, audit: r.audit }, { id, comment: 'too early', by: 'qe' })).rejects.toThrow(
        /no alarm/,
      );
      openGate();
      await expect(ack).resolves.toMatchObject({ id, acknowledgedBy: 'qe', ackComment: 'checking the oven' });
      await r.monitor.idle();
    });

    it('escalates an alarm left unacknowledged past its policy time, and not an acknowledged one', async () => {
      const r = await rig({ alarmPolicies: [{ severity: 'major', action: 'alarm', escalateAfterSeconds: 300 }] });
      await r.store.saveSpec({
        parameter: 'p',
        equipmentId: null,
        recipeId: null,
        lsl: null,
        usl: 10,
        target: null,
        uom: null,
        changedBy: 'eng',
        changedAt: t(0),
        reason: 'r',
      });
      r.now = Date.parse(t(0));
      await r.send(reading(0, 11, 'E1', 'p'), reading(0, 11, 'E2', 'p'));
      const [e1, e2] = ['E1', 'E2'].map((e) => r.raised.find((a) => a.equipmentId === e)!);
      await r.store.acknowledgeAlarm({ id: e2!.id, by: 'op', at: t(10), comment: 'on it' });
      r.now = Date.parse(t(299));
      await r.monitor.tick();
      expect(r.changed).toEqual([]);
      r.now = Date.parse(t(301));
      await r.monitor.tick();
      expect(r.changed.map((a) => [a.id, a.escalatedAt])).toEqual([[e1!.id, t(301)]]);
      await r.monitor.tick();
      expect(r.changed).toHaveLength(1);
    });

    it('raises a calibration alarm when the interval runs out and clears it when a calibration is recorded', async () => {
      const r = await rig({ equipment: [{ id: 'REFLOW-1', line: 'line1', calibrationIntervalDays: 2 }] });
      const day = 86_400_000;
      await r.send({
        kind: 'maintenance',
        eventId: 'cal-1',
        eventTime: t(0),
        equipmentId: 'REFLOW-1',
        type: 'calibration',
        startTime: t(0),
        endTime: t(60),
      });
      r.now = T0 + 2 * day;
      await r.monitor.tick();
      expect(r.raised).toEqual([]);
      r.now = T0 + 3 * day;
      await r.monitor.tick();
      expect(r.raised.map((a) => [a.rule, a.equipmentId, a.parameter])).toEqual([['calibration', 'REFLOW-1', 'calibration']]);
      expect(r.raised[0]!.message).toMatch(/overdue since/);
      await r.send({
        kind: 'maintenance',
        eventId: 'cal-2',
        equipmentId: 'REFLOW-1',
        type: 'calibration',
        startTime: new Date(r.now - 60_000).toISOString(),
        endTime: new Date(r.now).toISOString(),
      });
      await r.monitor.tick();
      expect(r.cleared.map((a) => a.rule)).toEqual(['calibration']);
    });
  });
}
