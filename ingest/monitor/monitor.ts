/**
 * The monitor: checks committed readings against the spec that applies (specs.ts) and keeps ONE
 * alarm per equipment and parameter open while its readings stay outside the limits; the first
 * reading back inside clears it. Alarms are graph nodes (they survive a restart: the open ones are
 * loaded at start) and are announced through the hooks it is given (the demo and the API pass the
 * live bus's, `liveMonitorHooks`).
 *
 * It hangs off the pipeline's onCommitted hook (beside the live readings, `allCommitted`), so it
 * sees only what the store holds. The hook returns at once; checks run in order on a queue of
 * their own, off the ingest path. A reading costs no query (specs are cached in memory); only an
 * alarm raised or cleared writes.
 *
 * Alarms carry a `rule` (`spec` here) so that SPC rules can raise theirs through the same path.
 */
import { randomBytes } from 'node:crypto';
import type { CanonicalEvent } from '../../core/events.ts';
import { MAX_ALARM_LIMIT } from '../../cypher/specs-alarms.ts';
import type { AlarmRecord, SpecAlarmStore, SpecRecord } from '../../cypher/port.ts';
import { applicableSpec, checkValue, describeKey, SpecBook } from '../../domain/specs.ts';

/** How the monitor tells the rest of the process about alarms and hears about spec changes. */
export interface MonitorHooks {
  /** An alarm was stored as open. */
  onAlarmRaised?: (alarm: AlarmRecord) => void;
  /** An open alarm was cleared by a reading back inside its limits. */
  onAlarmCleared?: (alarm: AlarmRecord) => void;
  /** Calls `onChange` whenever a spec changes (so cached specs are reloaded); returns the unsubscribe. */
  watchSpecChanges?: (onChange: () => void) => () => void;
}

export interface MonitorOptions extends MonitorHooks {
  store: Pick<SpecAlarmStore, 'specs' | 'openAlarm' | 'clearAlarm' | 'alarms'>;
  warn?: (message: string) => void;
  /** For tests: how long cached specs are trusted (default specs.ts SPEC_CACHE_MS). */
  specMaxAgeMs?: number;
}

/** `A-20261125-3F9A2C`, like hold ids: sortable by day, random enough not to collide. */
function newAlarmId(now: Date): string {
  return `A-${now.toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex').toUpperCase()}`;
}

const keyOf = (equipmentId: string, parameter: string) => `${equipmentId}\u0000${parameter}`;

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000);
}

export class Monitor {
  readonly specs: SpecBook;
  /** The open alarm of each equipment and parameter. */
  private readonly open = new Map<string, AlarmRecord>();
  /** The recipe of each equipment's latest operation (learned from committed operations). */
  private readonly recipes = new Map<string, { recipeId: string; at: number }>();
  private queue: Promise<void> = Promise.resolve();
  private stopSpecs: (() => void) | undefined;
  private readonly warn: (message: string) => void;

  private constructor(private readonly o: MonitorOptions) {
    this.specs = new SpecBook(o.store, o.specMaxAgeMs);
    this.warn = o.warn ?? ((m) => process.stderr.write(`tracegraph monitor: ${m}\n`));
  }

  /** Loads the open alarms, starts watching spec changes. */
  static async start(o: MonitorOptions): Promise<Monitor> {
    const m = new Monitor(o);
    for (const a of await o.store.alarms({ status: 'open', limit: MAX_ALARM_LIMIT })) {
      const k = keyOf(a.equipmentId, a.parameter);
      if (!m.open.has(k)) m.open.set(k, a); // newest first: keep the newest if ever two
    }
    m.stopSpecs = o.watchSpecChanges?.(() => m.specs.invalidate());
    await m.specs.all();
    return m;
  }

  /** Give this to the pipeline (through `allCommitted`): it queues the check and returns. */
  readonly onCommitted = (events: readonly CanonicalEvent[]): void => {
    if (!events.some((e) => e.kind === 'reading' || (e.kind === 'operation' && e.recipeId))) return;
    this.queue = this.queue
      .then(() => this.check(events))
      .catch((e: Error) => this.warn(`a check failed (${e.message}); its readings were not judged`));
  };

  /** Resolves once every batch handed over so far has been checked. */
  idle(): Promise<void> {
    return this.queue;
  }

  /** Open alarms held in memory (one per equipment and parameter). */
  openAlarms(): AlarmRecord[] {
    return [...this.open.values()];
  }

  async close(): Promise<void> {
    this.stopSpecs?.();
    await this.queue;
  }

  private async check(events: readonly CanonicalEvent[]): Promise<void> {
    // Operations first: a batch's readings are judged under the recipe it says the equipment runs.
    for (const e of events) {
      if (e.kind !== 'operation' || !e.equipmentId || !e.recipeId) continue;
      const at = Date.parse(e.eventTime);
      const prev = this.recipes.get(e.equipmentId);
      if (!prev || at >= prev.at) this.recipes.set(e.equipmentId, { recipeId: e.recipeId, at });
    }
    let specs: SpecRecord[] | undefined;
    for (const e of events) {
      if (e.kind !== 'reading') continue;
      specs ??= await this.specs.all();
      const spec = applicableSpec(specs, {
        parameter: e.parameter,
        equipmentId: e.equipmentId,
        recipeId: this.recipes.get(e.equipmentId)?.recipeId ?? null,
      });
      if (!spec) continue;
      const at = new Date(Date.parse(e.eventTime)).toISOString();
      const k = keyOf(e.equipmentId, e.parameter);
      const open = this.open.get(k);
      const out = checkValue(spec, e.value);
      if (out && !open) {
        const uom = e.uom ?? spec.uom;
        const alarm: AlarmRecord = {
          id: newAlarmId(new Date()),
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
        };
        await this.o.store.openAlarm(alarm);
        this.open.set(k, alarm);
        this.o.onAlarmRaised?.(alarm);
      } else if (!out && open && at >= open.raisedAt) {
        // A reading older than the alarm (arriving late) says nothing about whether it is over.
        this.open.delete(k);
        const cleared = await this.o.store.clearAlarm({ id: open.id, at, value: e.value });
        if (cleared) this.o.onAlarmCleared?.(cleared);
      }
    }
  }
}
