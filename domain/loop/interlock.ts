/**
 * The interlock: may this item enter this step at this station (with this operator)? Answered from
 * the graph (holds, the item's operations and inspections, the equipment's calibrations) and the
 * quality configuration (routings, recipe releases, stations, intervals, qualifications). Every
 * reason to refuse is listed, not just the first, so the person at the station sees them all.
 * Every refusal is written to the audit trail: right after it is answered (the station is not kept
 * waiting for a disk sync; a refusal errs on the safe side), in order, refusals answered meanwhile
 * sharing one write (group commit), so a burst of them costs about one sync. `idle()` waits for them.
 *
 * It is asked by stations at line speed, so nothing in it waits for the store's write batch: the
 * item's progress comes from `itemProgress` (on the embedded store answered from its in-memory
 * indexes), and the maintenance records are kept in memory, refreshed in the background.
 */
import { z } from 'zod';
import { TracegraphError } from '../../core/errors.ts';
import { normaliseId } from '../../core/ids.ts';
import type { GraphStore, MaintenanceFacts } from '../../cypher/port.ts';
import { ms } from '../analytics/time.ts';
import type { AuditTrail } from '../audit/trail.ts';
import { productOf, type QualityConfig } from './config.ts';
import { dueStates } from './equipment.ts';

export const InterlockRequest = z.object({
  item: z.string().trim().min(1, '`item` is empty: give the lot or unit id').max(512),
  step: z.string().trim().min(1, '`step` is empty: give the routing step').max(128),
  station: z.string().trim().min(1, '`station` is empty').max(128),
  operator: z.string().trim().min(1).max(128).optional(),
  /** The recipe the station will run (else the station's configured recipe). */
  recipeId: z.string().trim().min(1).max(128).optional(),
});
export type InterlockRequest = z.input<typeof InterlockRequest>;

export type InterlockCode =
  | 'HELD'
  | 'INSPECTION_FAILED'
  | 'INSPECTION_MISSING'
  | 'PREVIOUS_STEP_MISSING'
  | 'PREVIOUS_STEP_FAILED'
  | 'OUT_OF_ORDER'
  | 'STEP_NOT_IN_ROUTING'
  | 'RECIPE_NOT_RELEASED'
  | 'CALIBRATION_OVERDUE'
  | 'MAINTENANCE_OVERDUE'
  | 'OPERATOR_NOT_QUALIFIED';

export interface InterlockReason {
  code: InterlockCode;
  message: string;
}

export interface InterlockAnswer {
  allow: boolean;
  reasons: InterlockReason[];
  checkedAt: string;
}

/** A BAD_INPUT naming each problem of a request. */
export function parseInterlockRequest(raw: unknown): z.output<typeof InterlockRequest> {
  const r = InterlockRequest.safeParse(raw);
  if (!r.success)
    throw new TracegraphError(
      'BAD_INPUT',
      `interlock request: ${r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}; send {"item", "step", "station", "operator"?}`,
    );
  return r.data;
}

/** Maintenance records change rarely: read them at most this often for interlock checks. */
export const MAINTENANCE_CACHE_MS = 5_000;

export interface InterlockDeps {
  store: Pick<GraphStore, 'itemProgress' | 'qualityFacts'>;
  audit: Pick<AuditTrail, 'appendAll'>;
  config: () => QualityConfig;
  now?: () => number;
  warn?: (message: string) => void;
}

type AuditInput = Parameters<AuditTrail['appendAll']>[0][number];

export class Interlock {
  /** The last maintenance list read, and when; a refresh in flight. */
  private maintenance: { at: number; records: MaintenanceFacts[] } | undefined;
  private refreshing: Promise<MaintenanceFacts[]> | undefined;
  /** Refusals waiting for the next audit write, and the write in flight. */
  private pending: { entry: AuditInput; done: () => void; failed: (e: unknown) => void }[] = [];
  private writing: Promise<void> | undefined;
  private readonly now: () => number;
  private readonly warn: (message: string) => void;

  constructor(private readonly d: InterlockDeps) {
    this.now = d.now ?? Date.now;
    this.warn = d.warn ?? ((m) => process.stderr.write(`tracegraph interlock: ${m}\n`));
  }

  /**
   * The maintenance records, at most MAINTENANCE_CACHE_MS old when asked often: a stale list is
   * answered at once while a fresh one is read (only the very first check waits for the read).
   */
  private maintenanceRecords(): Promise<MaintenanceFacts[]> | MaintenanceFacts[] {
    const t = this.now();
    const m = this.maintenance;
    if (m && t - m.at <= MAINTENANCE_CACHE_MS) return m.records;
    // An empty operation window: only the (complete) maintenance list comes back.
    this.refreshing ??= this.d.store
      .qualityFacts('\uffff', '\uffff')
      .then((f) => {
        this.maintenance = { at: t, records: f.maintenance };
        return f.maintenance;
      })
      .finally(() => (this.refreshing = undefined));
    if (m) {
      this.refreshing.catch(() => undefined);
      return m.records;
    }
    return this.refreshing;
  }

  /** Writes a refusal to the audit trail with whatever other refusals are waiting (one sync for all). */
  private record(entry: AuditInput): Promise<void> {
    const written = new Promise<void>((done, failed) => this.pending.push({ entry, done, failed }));
    this.writing ??= this.flushPending();
    return written;
  }

  private async flushPending(): Promise<void> {
    // Whatever arrives while a group is written forms the next group.
    while (this.pending.length) {
      const group = this.pending;
      this.pending = [];
      try {
        await this.d.audit.appendAll(group.map((g) => g.entry));
        for (const g of group) g.done();
      } catch (e) {
        for (const g of group) g.failed(e);
      }
    }
    this.writing = undefined;
  }

  async check(raw: unknown): Promise<InterlockAnswer> {
    const req = parseInterlockRequest(raw);
    const item = normaliseId(req.item);
    const config = this.d.config();
    const reasons: InterlockReason[] = [];
    const record = await this.d.store.itemProgress(item);
    for (const h of record.holds) reasons.push({ code: 'HELD', message: `${item} is on hold ${h.id}: ${h.reason}` });

    const product = productOf(item);
    const routing = config.routings.find((r) => r.product === product) ?? config.routings.find((r) => r.product === '*');
    if (routing) {
      const at = routing.steps.findIndex((s) => s.step === req.step);
      const ops = [...record.operations].sort((a, b) => ms(a.endTime) - ms(b.endTime));
      if (at === -1) {
        reasons.push({
          code: 'STEP_NOT_IN_ROUTING',
          message: `step ${req.step} is not in the routing of ${product ?? item} (${routing.steps.map((s) => s.step).join(' -> ')})`,
        });
      } else {
        const later = ops.find((o) => routing.steps.findIndex((s) => s.step === o.step) > at);
        if (later)
          reasons.push({
            code: 'OUT_OF_ORDER',
            message: `${item} has already been through ${later.step}, which comes after ${req.step}`,
          });
        const inspections = [...record.inspections].sort((a, b) => ms(a.eventTime) - ms(b.eventTime));
        /** When the last operation of a step ended (-Infinity when it never ran). */
        const ranAt = (step: string) => ms(ops.filter((o) => o.step === step).at(-1)?.endTime ?? null);
        for (let k = 0; k < at; k++) {
          const s = routing.steps[k]!;
          if (s.inspection) {
            // An inspection step is done by an inspection after the step before it.
            const before = k > 0 ? ranAt(routing.steps[k - 1]!.step) : NaN;
            const latest = inspections.filter((i) => Number.isNaN(before) || ms(i.eventTime) >= before).at(-1);
            if (!latest)
              reasons.push({
                code: 'INSPECTION_MISSING',
                message: `${item} has no ${s.step} inspection: inspect it before ${req.step}`,
              });
            else if (latest.result !== 'pass')
              reasons.push({
                code: 'INSPECTION_FAILED',
                message: `${item} failed ${s.step}${latest.defects.length ? ` (${latest.defects.join(', ')})` : ''}`,
              });
            continue;
          }
          if (k !== at - 1) continue;
          const done = ops.filter((o) => o.step === s.step).at(-1);
          if (!done)
            reasons.push({
              code: 'PREVIOUS_STEP_MISSING',
              message: `${item} has no ${s.step} operation: it must pass ${s.step} before ${req.step}`,
            });
          else if (done.result === 'fail')
            reasons.push({ code: 'PREVIOUS_STEP_FAILED', message: `${item} failed ${s.step} (operation ${done.id})` });
        }
      }
    }

    const station = config.stations.find((s) => s.id === req.station);
    const recipeId = req.recipeId ?? station?.recipeId;
    if (recipeId && product) {
      const releases = config.recipeReleases.filter((r) => r.product === product);
      const release = releases.find((r) => r.recipeId === recipeId);
      if (releases.length && !release?.released)
        reasons.push({ code: 'RECIPE_NOT_RELEASED', message: `recipe ${recipeId} is not released for product ${product}` });
    }

    if (station?.equipmentId) {
      const due = dueStates(
        { ...config, equipment: config.equipment.filter((e) => e.id === station.equipmentId) },
        await this.maintenanceRecords(),
        this.now(),
      );
      for (const d of due.filter((x) => x.overdue))
        reasons.push({
          code: d.kind === 'calibration' ? 'CALIBRATION_OVERDUE' : 'MAINTENANCE_OVERDUE',
          message: `${d.equipmentId} ${d.kind} ${d.dueAt ? `was due ${d.dueAt}` : 'has never been recorded'} (every ${d.intervalDays} days)`,
        });
    }

    if (req.operator && config.qualifications.length) {
      const q = config.qualifications.find((x) => x.operatorId === req.operator);
      if (!q?.steps.includes(req.step))
        reasons.push({ code: 'OPERATOR_NOT_QUALIFIED', message: `operator ${req.operator} is not qualified for ${req.step}` });
    }

    const answer: InterlockAnswer = { allow: reasons.length === 0, reasons, checkedAt: new Date(this.now()).toISOString() };
    if (!answer.allow) {
      // The station has its answer at once; the record follows in the next group write.
      this.record({
        actor: req.operator ?? req.station,
        action: 'interlock.deny',
        target: item,
        details: { step: req.step, station: req.station, reasons: reasons.map((r) => r.code) },
      }).catch((e: Error) => this.warn(`could not record the refusal of ${item} at ${req.station}: ${e.message}`));
    }
    return answer;
  }

  /** Resolves once every refusal answered so far is in the audit trail. */
  async idle(): Promise<void> {
    while (this.writing) await this.writing;
  }
}
