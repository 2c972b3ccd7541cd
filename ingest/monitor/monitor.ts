/**
 * The monitor closes the quality loop. For each reading it checks the spec that applies
 * (domain/specs.ts) and runs the SPC rules of the equipment's control limits (domain/spc
 * `evaluatePoint`, one stream per equipment and parameter); it keeps ONE alarm per equipment,
 * parameter and family (spec, SPC) open while the signal lasts, and the first reading back inside
 * (or without a signal) clears it. Each alarm's policy (domain/loop/config.ts) gives its severity,
 * whether it holds material, and when it escalates if nobody acknowledges it. It also raises an
 * alarm when configured calibration or maintenance falls overdue.
 *
 * Readings are judged as soon as they are durable in the event log (`onDurable`), before the graph
 * batch, against the monitor's in-memory table of open alarms. By default (`announce: 'judged'`) an
 * alarm is announced (subscriptions, MQTT) the moment it is judged and written to the graph right
 * after, off the announcement's path: the graph has one writer, and its write waits for the batch
 * in progress. With `announce: 'stored'` it is written first and announced only if the store took
 * it: the store refuses a second open alarm of the same key, so workers that share topics (an MQTT
 * shared subscription) store and announce one. Operations are handled once committed
 * (`onCommitted`): those that ran on equipment under an open hold-policy alarm have their material
 * held (with everything made from it), and material made from held material is born held (added to
 * the hold of its held input, so releasing that hold releases it too).
 *
 * Two queues, both off the ingest path: judging (memory only, but for reloading specs and limits
 * after a change) and recording (graph writes, holds, escalations, due dates), in order each.
 * Announcements go through the hooks it is given (the demo and the API pass the live bus's,
 * `liveMonitorHooks`).
 */
import { randomBytes } from 'node:crypto';
import type { CanonicalEvent } from '../../core/events.ts';
import { MAX_ALARM_LIMIT, openAlarmKey } from '../../cypher/specs-alarms.ts';
import type {
  AlarmRecord,
  AlarmRule,
  ControlLimitRecord,
  GraphStore,
  HoldRecord,
  NewAlarm,
  SpecRecord,
} from '../../cypher/port.ts';
import type { AuditTrail } from '../../domain/audit/trail.ts';
import { looseBounds, ms } from '../../domain/analytics/time.ts';
import { placeHold } from '../../domain/holds.ts';
import { EMPTY_CONFIG, policyFor, type QualityConfig } from '../../domain/loop/config.ts';
import { judgeOf } from '../../domain/loop/control-limits.ts';
import { dueStates } from '../../domain/loop/equipment.ts';
import { evaluatePoint, initialStreamState, RULE_IDS, type StreamJudge, type StreamState } from '../../domain/spc/index.ts';
import { applicableSpec, checkValue, describeKey, SpecBook } from '../../domain/specs.ts';

/** How the monitor tells the rest of the process about alarms and holds and hears about changes. */
export interface MonitorHooks {
  /** An alarm was stored as open. */
  onAlarmRaised?: (alarm: AlarmRecord) => void;
  /** An open alarm was cleared by a reading back inside its limits. */
  onAlarmCleared?: (alarm: AlarmRecord) => void;
  /** An alarm was escalated or given its hold. */
  onAlarmChanged?: (alarm: AlarmRecord) => void;
  /** A hold was placed or grew (automatic holds). */
  onHoldChanged?: (hold: HoldRecord) => void;
  /**
   * Calls `onChange` whenever specs, control limits or holds change (so cached ones are reloaded);
   * returns the unsubscribe.
   */
  watchSpecChanges?: (onChange: () => void) => () => void;
}

export type MonitorStore = Pick<
  GraphStore,
  | 'specs'
  | 'openAlarm'
  | 'clearAlarm'
  | 'alarms'
  | 'controlLimits'
  | 'escalateAlarm'
  | 'setAlarmHold'
  | 'placeHold'
  | 'addToHold'
  | 'holds'
  | 'releaseHold'
  | 'qualityFacts'
  | 'traceForward'
>;

export interface MonitorOptions extends MonitorHooks {
  store: MonitorStore;
  /**
   * When an alarm is announced: `judged` (default) at once, then written to the graph; `stored`
   * once the graph has it (slower, but one alarm across workers sharing the topics).
   */
  announce?: 'judged' | 'stored';
  /** The quality configuration in force (alarm policies, equipment intervals); default: none. */
  config?: () => QualityConfig;
  /** Where automatic holds are recorded; without it they are not audited. */
  audit?: Pick<AuditTrail, 'append'>;
  warn?: (message: string) => void;
  /** For tests: how long cached specs are trusted (default specs.ts SPEC_CACHE_MS). */
  specMaxAgeMs?: number;
  /** How often escalations and due dates are checked (default 5 s; 0: not until `startClock`, or call `tick`). */
  tickMs?: number;
  now?: () => number;
}

/** `A-20261125-3F9A2C`, like hold ids: sortable by day, random enough not to collide. */
function newAlarmId(now: Date): string {
  return `A-${now.toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex').toUpperCase()}`;
}

const keyOf = (equipmentId: string, parameter: string) => `${equipmentId}\u0000${parameter}`;

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000);
}

const DAY = 86_400_000;
const DEFAULT_TICK_MS = 5_000;
const RULE_ORDER = new Map<string, number>(RULE_IDS.map((r, i) => [r, i]));

interface Stream {
  limits: ControlLimitRecord;
  judge: StreamJudge;
  state: StreamState;
}

/** An open alarm whose policy holds material: what is held for it so far. */
interface Holding {
  alarm: AlarmRecord;
  holdId: string | null;
}

export class Monitor {
  readonly specs: SpecBook;
  /** The open alarms, by openAlarmKey (equipment, parameter, family). */
  private readonly open = new Map<string, AlarmRecord>();
  /** The recipe of each equipment's latest operation (learned from operations). */
  private readonly recipes = new Map<string, { recipeId: string; at: number }>();
  /** SPC state per equipment and parameter. */
  private readonly streams = new Map<string, Stream>();
  private limits: Map<string, ControlLimitRecord> | undefined;
  /** Open hold-policy alarms by equipment. */
  private readonly holding = new Map<string, Holding[]>();
  /** Items under active holds -> those holds; loaded lazily, dropped on a hold change. */
  private held: Map<string, Set<string>> | undefined;
  private readonly escalationTried = new Set<string>();
  private judging: Promise<void> = Promise.resolve();
  private recording: Promise<void> = Promise.resolve();
  /** Alarms announced but not yet in the graph, with their write. */
  private readonly unstored = new Map<string, Promise<void>>();
  private stopWatching: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly warn: (message: string) => void;
  private readonly now: () => number;
  private readonly config: () => QualityConfig;
  private readonly announceJudged: boolean;
  private judgeOnDurable = false;

  private constructor(private readonly o: MonitorOptions) {
    this.specs = new SpecBook(o.store, o.specMaxAgeMs);
    this.warn = o.warn ?? ((m) => process.stderr.write(`tracegraph monitor: ${m}\n`));
    this.now = o.now ?? Date.now;
    this.config = o.config ?? (() => EMPTY_CONFIG);
    this.announceJudged = (o.announce ?? 'judged') === 'judged';
  }

  /** Loads the open alarms, starts watching changes and the escalation / due-date clock. */
  static async start(o: MonitorOptions): Promise<Monitor> {
    const m = new Monitor(o);
    for (const a of await o.store.alarms({ status: 'open', limit: MAX_ALARM_LIMIT })) {
      const k = openAlarmKey(a);
      if (m.open.has(k)) continue; // newest first: keep the newest if ever two
      m.open.set(k, a);
      if (policyFor(m.config(), a).action === 'hold') m.holdingOf(a.equipmentId).push({ alarm: a, holdId: a.holdId });
    }
    m.stopWatching = o.watchSpecChanges?.(() => {
      m.specs.invalidate();
      m.limits = undefined;
      m.held = undefined;
    });
    await m.specs.all();
    if (o.tickMs !== 0) m.startClock(o.tickMs);
    return m;
  }

  /**
   * Starts checking escalations and due dates every `tickMs` (Monitor.start does, unless given
   * `tickMs: 0`): a plant whose equipment records arrive just after the start begins it once they
   * are in, so that due dates are not judged before them. Once closed, it does nothing.
   */
  startClock(tickMs = DEFAULT_TICK_MS): void {
    if (this.closed || this.timer) return;
    this.timer = setInterval(() => void this.record(() => this.tick()), tickMs);
    this.timer.unref();
  }

  private enqueue(work: () => Promise<void>): void {
    this.judging = this.judging.then(work).catch((e: Error) => this.warn(`a check failed (${e.message})`));
  }

  /** Queues graph work in order; resolves when it is done (a failure is warned, not thrown). */
  private record(work: () => Promise<void>): Promise<void> {
    this.recording = this.recording.then(work).catch((e: Error) => this.warn(`a check failed (${e.message})`));
    return this.recording;
  }

  /**
   * Give this to the pipeline as `onDurable`: readings are judged as soon as they are in the event
   * log. Once it is used, `onCommitted` no longer judges readings (it would judge them twice).
   */
  readonly onDurable = (events: readonly CanonicalEvent[]): void => {
    this.judgeOnDurable = true;
    if (!events.some((e) => e.kind === 'reading' || (e.kind === 'operation' && e.recipeId))) return;
    this.enqueue(() => this.judge(events));
  };

  /** Give this to the pipeline (through `allCommitted`): it queues the work and returns. */
  readonly onCommitted = (events: readonly CanonicalEvent[]): void => {
    const judge = !this.judgeOnDurable && events.some((e) => e.kind === 'reading' || (e.kind === 'operation' && e.recipeId));
    const ops = events.some((e) => e.kind === 'operation');
    if (!judge && !ops) return;
    this.enqueue(async () => {
      if (judge) await this.judge(events);
      // After the judging of everything before it, so an alarm it raised is recorded first.
      if (ops) void this.record(() => this.holdCommitted(events));
    });
  };

  /** Resolves once every batch handed over so far has been checked and recorded. */
  async idle(): Promise<void> {
    for (;;) {
      const j = this.judging;
      const r = this.recording;
      await j;
      await r;
      if (j === this.judging && r === this.recording) return;
    }
  }

  /** Open alarms held in memory (one per equipment, parameter and family). */
  openAlarms(): AlarmRecord[] {
    return [...this.open.values()];
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.stopWatching?.();
    await this.idle();
  }

  private holdingOf(equipmentId: string): Holding[] {
    let list = this.holding.get(equipmentId);
    if (!list) this.holding.set(equipmentId, (list = []));
    return list;
  }

  private async currentLimits(): Promise<Map<string, ControlLimitRecord>> {
    if (!this.limits) {
      const all = await this.o.store.controlLimits();
      this.limits = new Map(all.filter((l) => l.equipmentId).map((l) => [keyOf(l.equipmentId!, l.parameter), l]));
    }
    return this.limits;
  }

  private async judge(events: readonly CanonicalEvent[]): Promise<void> {
    // Operations first: a batch's readings are judged under the recipe it says the equipment runs.
    for (const e of events) {
      if (e.kind !== 'operation' || !e.equipmentId || !e.recipeId) continue;
      const at = Date.parse(e.eventTime);
      const prev = this.recipes.get(e.equipmentId);
      if (!prev || at >= prev.at) this.recipes.set(e.equipmentId, { recipeId: e.recipeId, at });
    }
    let specs: SpecRecord[] | undefined;
    let limits: Map<string, ControlLimitRecord> | undefined;
    for (const e of events) {
      if (e.kind !== 'reading') continue;
      specs ??= await this.specs.all();
      limits ??= await this.currentLimits();
      const at = new Date(Date.parse(e.eventTime)).toISOString();
      await this.judgeSpec(e, at, specs);
      await this.judgeSpc(e, at, limits.get(keyOf(e.equipmentId, e.parameter)));
    }
  }

  private async judgeSpec(e: Extract<CanonicalEvent, { kind: 'reading' }>, at: string, specs: SpecRecord[]): Promise<void> {
    const spec = applicableSpec(specs, {
      parameter: e.parameter,
      equipmentId: e.equipmentId,
      recipeId: this.recipes.get(e.equipmentId)?.recipeId ?? null,
    });
    if (!spec) return;
    const k = openAlarmKey({ equipmentId: e.equipmentId, parameter: e.parameter, rule: 'spec' });
    const open = this.open.get(k);
    const out = checkValue(spec, e.value);
    if (out && !open) {
      const uom = e.uom ?? spec.uom;
      await this.raise({
        id: newAlarmId(new Date(this.now())),
        rule: 'spec',
        status: 'open',
        equipmentId: e.equipmentId,
        parameter: e.parameter,
        value: e.value,
        limit: out.limit,
        lsl: spec.lsl,
        usl: spec.usl,
        uom,
        recipeId: spec.recipeId,
        specVersion: spec.version,
        raisedAt: at,
        readingEventId: e.eventId,
        clearedAt: null,
        clearValue: null,
        message: `${e.parameter} ${fmt(e.value)}${uom ? ` ${uom}` : ''} ${out.side === 'high' ? 'above usl' : 'below lsl'} ${fmt(
          out.limit,
        )} on ${e.equipmentId} (spec v${spec.version}: ${describeKey(spec)})`,
      });
    } else if (!out && open && at >= open.raisedAt) {
      // A reading older than the alarm (arriving late) says nothing about whether it is over.
      await this.clear(k, open, at, e.value);
    }
  }

  private async judgeSpc(
    e: Extract<CanonicalEvent, { kind: 'reading' }>,
    at: string,
    limits: ControlLimitRecord | undefined,
  ): Promise<void> {
    if (!limits) return;
    const sk = keyOf(e.equipmentId, e.parameter);
    let stream = this.streams.get(sk);
    // New limits start a new stream: rule windows do not run across two sets of limits.
    if (!stream || stream.limits.version !== limits.version)
      this.streams.set(sk, (stream = { limits, judge: judgeOf(limits), state: initialStreamState }));
    const step = evaluatePoint(stream.state, e.value, stream.judge);
    stream.state = step.state;
    const k = openAlarmKey({ equipmentId: e.equipmentId, parameter: e.parameter, rule: 'nelson1' });
    const open = this.open.get(k);
    if (step.signals.length && !open) {
      const rule = [...step.signals].sort((a, b) => RULE_ORDER.get(a.rule)! - RULE_ORDER.get(b.rule)!)[0]!.rule as AlarmRule;
      const beyond = e.value > limits.ucl ? limits.ucl : e.value < limits.lcl ? limits.lcl : limits.center;
      await this.raise({
        id: newAlarmId(new Date(this.now())),
        rule,
        status: 'open',
        equipmentId: e.equipmentId,
        parameter: e.parameter,
        value: e.value,
        limit: beyond,
        lsl: limits.lcl,
        usl: limits.ucl,
        uom: e.uom ?? null,
        recipeId: null,
        specVersion: limits.version,
        raisedAt: at,
        readingEventId: e.eventId,
        clearedAt: null,
        clearValue: null,
        message: `${e.parameter} on ${e.equipmentId}: ${step.signals.map((s) => s.rule).join(', ')} at ${fmt(e.value)}${
          e.uom ? ` ${e.uom}` : ''
        } (control limits v${limits.version}: ${fmt(limits.lcl)} .. ${fmt(limits.ucl)}, centre ${fmt(limits.center)})`,
      });
    } else if (!step.signals.length && open && at >= open.raisedAt) {
      await this.clear(k, open, at, e.value);
    }
  }

  /** A judged alarm: announced now and recorded after (`judged`), or recorded, then announced. */
  private async raise(candidate: NewAlarm): Promise<void> {
    if (!this.announceJudged) return this.record(() => this.storeRaised(candidate, false));
    const alarm: AlarmRecord = {
      ...candidate,
      severity: policyFor(this.config(), candidate).severity,
      acknowledgedBy: null,
      acknowledgedAt: null,
      ackComment: null,
      escalatedAt: null,
      holdId: null,
    };
    this.open.set(openAlarmKey(alarm), alarm);
    this.o.onAlarmRaised?.(alarm);
    const write = this.record(() => this.storeRaised(alarm, true)).finally(() => this.unstored.delete(alarm.id));
    this.unstored.set(alarm.id, write);
  }

  /**
   * The graph write of an alarm announced before it was stored, while it is pending: someone who
   * saw it announced (an acknowledgement from the board) waits for it rather than finding no alarm.
   */
  whenStored(id: string): Promise<void> | undefined {
    return this.unstored.get(id);
  }

  /** Whether this alarm is still the open one of its key in memory (not cleared or replaced meanwhile). */
  private isOpen(a: AlarmRecord): boolean {
    return this.open.get(openAlarmKey(a))?.id === a.id;
  }

  /** Writes a new alarm to the graph; announces it unless that was done when it was judged; holds by policy. */
  private async storeRaised(candidate: NewAlarm, announced: boolean): Promise<void> {
    const policy = policyFor(this.config(), candidate);
    const stored = await this.o.store.openAlarm({ ...candidate, severity: policy.severity });
    const k = openAlarmKey(stored);
    if (stored.id !== candidate.id) {
      // Another worker stored one first: it announces and holds; this one only knows it is open.
      if (!announced) {
        this.open.set(k, stored);
        return;
      }
      // Announced already (workers sharing topics should use `announce: 'stored'`): take it back.
      if (this.open.get(k)?.id === candidate.id) this.open.set(k, stored);
      this.warn(`alarm ${candidate.id} withdrawn: ${stored.id} of another worker is open for the same key`);
      this.o.onAlarmCleared?.({
        ...(candidate as AlarmRecord),
        status: 'cleared',
        clearedAt: candidate.raisedAt,
        message: `${candidate.message} (withdrawn: alarm ${stored.id} of another worker is open for it)`,
      });
      return;
    }
    if (!announced) {
      this.open.set(k, stored);
      this.o.onAlarmRaised?.(stored);
    } else if (this.isOpen(stored)) this.open.set(k, stored);
    if (policy.action === 'hold') {
      const h: Holding = { alarm: stored, holdId: null };
      this.holdingOf(stored.equipmentId).push(h);
      // Still open: everything from the first bad reading on is in the window.
      await this.sweep(h, stored.raisedAt, null);
    }
  }

  /** A judged clearing: announced now and recorded after (`judged`), or recorded, then announced. */
  private async clear(k: string, open: AlarmRecord, at: string, value: number): Promise<void> {
    this.open.delete(k);
    this.escalationTried.delete(open.id);
    if (!this.announceJudged) return this.record(() => this.storeCleared(open, at, value, false));
    this.o.onAlarmCleared?.({ ...open, status: 'cleared', clearedAt: at, clearValue: value });
    void this.record(() => this.storeCleared(open, at, value, true));
  }

  /** Writes a clearing to the graph, announces it unless done already, and holds the alarm's whole window. */
  private async storeCleared(open: AlarmRecord, at: string, value: number, announced: boolean): Promise<void> {
    const cleared = await this.o.store.clearAlarm({ id: open.id, at, value });
    if (cleared && !announced) this.o.onAlarmCleared?.(cleared);
    const list = this.holding.get(open.equipmentId);
    const h = list?.find((x) => x.alarm.id === open.id);
    if (h && list) {
      // The window is known now: hold what the graph has for it, then stop watching.
      await this.sweep(h, open.raisedAt, at);
      list.splice(list.indexOf(h), 1);
    }
  }

  /** The items an operation processed: its outputs, or for an in-place step (no outputs) its inputs. */
  private static processed(o: { inputs: { id: string }[]; outputs: { id: string }[] }): string[] {
    return (o.outputs.length ? o.outputs : o.inputs).map((x) => x.id);
  }

  /** Holds what operations on the alarm's equipment processed in [from, to] (to null: open), as the graph has them. */
  private async sweep(h: Holding, from: string, to: string | null): Promise<void> {
    const end = to === null ? Infinity : ms(to);
    const [lo, hi] = looseBounds(ms(from), to === null ? undefined : end);
    const facts = await this.o.store.qualityFacts(lo, hi);
    const ops = new Set(
      facts.operations
        .filter((o) => o.equipment === h.alarm.equipmentId && ms(o.endTime) >= ms(from) && ms(o.endTime) <= end)
        .map((o) => o.id),
    );
    const byOp = new Map<string, { inputs: { id: string }[]; outputs: { id: string }[] }>();
    for (const f of facts.flows) {
      if (!ops.has(f.op)) continue;
      let g = byOp.get(f.op);
      if (!g) byOp.set(f.op, (g = { inputs: [], outputs: [] }));
      (f.direction === 'in' ? g.inputs : g.outputs).push({ id: f.item });
    }
    const items = [...byOp.values()].flatMap(Monitor.processed);
    await this.holdFor(h, items);
  }

  /** Puts items (and everything made from them) under the alarm's hold, placing it on first use. */
  private async holdFor(h: Holding, items: string[]): Promise<void> {
    if (!items.length) return;
    const reason = `alarm ${h.alarm.id}: ${h.alarm.message}`.slice(0, 500);
    if (!h.holdId) {
      const hold = await placeHold(
        { store: this.o.store, audit: this.o.audit ?? { append: async () => ({}) as never } },
        { items, reason, includeDownstream: true, by: 'system' },
      );
      h.holdId = hold.id;
      await this.o.store.setAlarmHold({ id: h.alarm.id, holdId: hold.id });
      h.alarm = { ...h.alarm, holdId: hold.id };
      if (this.isOpen(h.alarm)) this.open.set(openAlarmKey(h.alarm), h.alarm);
      this.noteHeld(hold.id, hold.items);
      this.o.onAlarmChanged?.(h.alarm);
      this.o.onHoldChanged?.(hold);
      return;
    }
    await this.extend(h.holdId, items, `more output while alarm ${h.alarm.id} is open`, true);
  }

  /** Adds items (and, with downstream, what a trace reaches from them) to an active hold. */
  private async extend(holdId: string, items: string[], why: string, downstream: boolean): Promise<void> {
    let ids = items;
    if (downstream) {
      // What was already made from them is as suspect as they are (placeHold's includeDownstream).
      const t = await this.o.store.traceForward(items);
      ids = [...new Set([...items, ...t.lots, ...t.units, ...t.containers])];
    }
    let added: string[];
    try {
      added = await this.o.store.addToHold(holdId, ids);
    } catch (e) {
      this.warn(`could not add ${ids.length} item(s) to hold ${holdId}: ${(e as Error).message}`);
      return;
    }
    if (!added.length) return;
    this.noteHeld(holdId, added);
    await this.o.audit?.append({
      actor: 'system',
      action: 'hold.extend',
      target: holdId,
      details: { reason: why, items: added.slice(0, 20), count: added.length },
    });
    const [hold] = await this.o.store.holds({ id: holdId });
    if (hold) this.o.onHoldChanged?.(hold);
  }

  private noteHeld(holdId: string, items: readonly string[]): void {
    if (!this.held) return;
    for (const i of items) {
      let s = this.held.get(i);
      if (!s) this.held.set(i, (s = new Set()));
      s.add(holdId);
    }
  }

  private async heldItems(): Promise<Map<string, Set<string>>> {
    if (!this.held) {
      const held = new Map<string, Set<string>>();
      for (const h of await this.o.store.holds({ status: 'active' }))
        for (const i of h.items) {
          let s = held.get(i);
          if (!s) held.set(i, (s = new Set()));
          s.add(h.id);
        }
      this.held = held;
    }
    return this.held;
  }

  /** Committed operations: material processed under a hold-policy alarm, and material made from held material. */
  private async holdCommitted(events: readonly CanonicalEvent[]): Promise<void> {
    for (const e of events) {
      if (e.kind !== 'operation') continue;
      const items = Monitor.processed(e);
      if (e.equipmentId)
        for (const h of this.holding.get(e.equipmentId) ?? [])
          if (ms(e.eventTime) >= ms(h.alarm.raisedAt)) await this.holdFor(h, items);
      if (!e.outputs.length) continue;
      const held = await this.heldItems();
      const holds = new Set(e.inputs.flatMap((i) => [...(held.get(i.id) ?? [])]));
      for (const holdId of holds)
        await this.extend(
          holdId,
          e.outputs.map((o) => o.id),
          `made from held material by operation ${e.operationId}`,
          false,
        );
    }
  }

  /** Escalates overdue unacknowledged alarms and raises / clears calibration and maintenance alarms. */
  async tick(): Promise<void> {
    const config = this.config();
    const now = this.now();
    for (const a of [...this.open.values()]) {
      if (this.escalationTried.has(a.id)) continue;
      const after = policyFor(config, a).escalateAfterSeconds;
      if (after === undefined || now - ms(a.raisedAt) < after * 1000) continue;
      this.escalationTried.add(a.id);
      const esc = await this.o.store.escalateAlarm({ id: a.id, at: new Date(now).toISOString() });
      if (esc) {
        if (this.isOpen(esc)) this.open.set(openAlarmKey(esc), esc);
        this.o.onAlarmChanged?.(esc);
      }
    }
    if (!config.equipment.some((e) => e.calibrationIntervalDays || e.maintenanceIntervalDays)) return;
    const facts = await this.o.store.qualityFacts('\uffff', '\uffff');
    for (const d of dueStates(config, facts.maintenance, now)) {
      const k = openAlarmKey({ equipmentId: d.equipmentId, parameter: d.kind, rule: d.kind });
      const open = this.open.get(k);
      const at = new Date(now).toISOString();
      const overdueDays = d.dueAt ? (now - ms(d.dueAt)) / DAY : d.intervalDays;
      if (d.overdue && !open) {
        // On the recording queue already; due dates are not in a hurry: stored, then announced.
        await this.storeRaised(
          {
            id: newAlarmId(new Date(now)),
            rule: d.kind,
            status: 'open',
            equipmentId: d.equipmentId,
            parameter: d.kind,
            value: Math.round(overdueDays * 100) / 100,
            limit: d.intervalDays,
            lsl: null,
            usl: d.intervalDays,
            uom: 'd',
            recipeId: null,
            specVersion: null,
            raisedAt: at,
            readingEventId: '',
            clearedAt: null,
            clearValue: null,
            message: d.dueAt
              ? `${d.equipmentId} ${d.kind} overdue since ${d.dueAt} (every ${d.intervalDays} days, last ${d.lastAt})`
              : `${d.equipmentId} has no ${d.kind} on record (due every ${d.intervalDays} days)`,
          },
          false,
        );
      } else if (!d.overdue && open) {
        this.open.delete(k);
        this.escalationTried.delete(open.id);
        await this.storeCleared(open, at, 0, false);
      }
    }
  }
}
