/**
 * Recipe specs: the limits of one process parameter, and which one applies to a reading.
 *
 * A spec is keyed by (parameter, equipment?, recipe?). For a reading of `parameter` on equipment E
 * whose latest operation ran recipe R, the most specific current spec applies:
 *   1. parameter on E under R
 *   2. parameter under R (any equipment)
 *   3. parameter on E (any recipe)
 *   4. parameter plant-wide (any equipment, any recipe)
 * The recipe is what the recipe id names (its version, in this model).
 */
import { z } from 'zod';
import { TracegraphError } from '../core/errors.ts';
import type { GraphStore, NewSpec, SpecKey, SpecRecord } from '../cypher/port.ts';
import type { AuditTrail } from './audit/trail.ts';
import type { Signer } from './auth/signatures.ts';
import { publishSpecChanged, type LiveBus } from './live/bus.ts';

export const MAX_REASON_LENGTH = 500;
const MAX_NAME = 128;

/** Equipment and recipe ids are plant codes: letters, digits and `._:/#-`, no spaces. */
const PLANT_CODE = /^[A-Za-z0-9][A-Za-z0-9._:/#-]*$/;

const code = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} is empty: leave it out for "any"`)
    .max(MAX_NAME, `${what} has more than ${MAX_NAME} characters`)
    .regex(PLANT_CODE, `${what} must be a plant code (letters, digits and . _ : / # -, no spaces)`);

const limit = z.number().finite('limits must be finite numbers');

/** What a person (or the demo) gives to change a spec; checked at the API boundary. */
export const SpecInput = z
  .object({
    parameter: z
      .string()
      .trim()
      .min(1, 'parameter is empty: name the process parameter, e.g. "zone1_temp"')
      .max(MAX_NAME, `parameter has more than ${MAX_NAME} characters`)
      // eslint-disable-next-line no-control-regex
      .regex(/^[^\u0000-\u001f\u007f]+$/, 'parameter holds control characters'),
    equipmentId: code('equipmentId').nullish(),
    recipeId: code('recipeId').nullish(),
    lsl: limit.nullish(),
    usl: limit.nullish(),
    target: limit.nullish(),
    uom: z.string().trim().min(1).max(32, 'uom has more than 32 characters').nullish(),
    reason: z
      .string()
      .trim()
      .min(1, 'a spec change needs a reason (e.g. "ECO-118: tighter reflow window")')
      .max(MAX_REASON_LENGTH, `the reason has more than ${MAX_REASON_LENGTH} characters`),
  })
  .superRefine((s, ctx) => {
    const lsl = s.lsl ?? null;
    const usl = s.usl ?? null;
    if (lsl === null && usl === null) ctx.addIssue({ code: 'custom', message: 'a spec needs lsl, usl or both' });
    if (lsl !== null && usl !== null && lsl > usl)
      ctx.addIssue({ code: 'custom', message: `lsl ${lsl} is above usl ${usl}: swap them?` });
    const t = s.target ?? null;
    if (t !== null && ((lsl !== null && t < lsl) || (usl !== null && t > usl)))
      ctx.addIssue({ code: 'custom', message: `target ${t} is outside [${lsl ?? '-inf'}, ${usl ?? '+inf'}]` });
  });
export type SpecInput = z.input<typeof SpecInput>;

/** A checked spec ready to store, or BAD_INPUT naming every problem. */
export function newSpec(input: SpecInput, by: string, at: string): NewSpec {
  const r = SpecInput.safeParse(input);
  if (!r.success) throw new TracegraphError('BAD_INPUT', `spec not changed: ${r.error.issues.map((i) => i.message).join('; ')}`);
  const s = r.data;
  return {
    parameter: s.parameter,
    equipmentId: s.equipmentId ?? null,
    recipeId: s.recipeId ?? null,
    lsl: s.lsl ?? null,
    usl: s.usl ?? null,
    target: s.target ?? null,
    uom: s.uom ?? null,
    changedBy: by,
    changedAt: at,
    reason: s.reason,
  };
}

/**
 * Writes a new version of a spec, signed: the input is checked before signing (bad input asks for
 * no signature), the version is audited under `spec.change` and told to `specChanged` listeners
 * (the monitor reloads its specs).
 */
export async function changeSpec(
  s: { store: Pick<GraphStore, 'saveSpec'>; audit: Pick<AuditTrail, 'append'>; live?: LiveBus },
  sign: Signer,
  input: { spec: SpecInput; by: string; meaning?: string | null },
): Promise<SpecRecord> {
  const checked = newSpec(input.spec, input.by, new Date().toISOString());
  const target = `spec ${describeKey(checked)}`;
  const sig = await sign({ meaning: input.meaning ?? 'approved spec change', target });
  const saved = await s.store.saveSpec({ ...checked, changedBy: sig.signer, changedAt: sig.signedAt });
  await s.audit.append({
    actor: sig.signer,
    action: 'spec.change',
    target,
    details: {
      version: saved.version,
      lsl: saved.lsl,
      usl: saved.usl,
      target: saved.target,
      uom: saved.uom,
      reason: saved.reason,
      signatureSeq: sig.auditSeq,
    },
  });
  if (s.live) publishSpecChanged(s.live, saved);
  return saved;
}

/** Readable name of a spec key, e.g. `zone1_temp on REFLOW-1 under SAC305-PROFILE-2`. */
export function describeKey(k: SpecKey): string {
  return `${k.parameter}${k.equipmentId ? ` on ${k.equipmentId}` : ''}${k.recipeId ? ` under ${k.recipeId}` : ''}${
    !k.equipmentId && !k.recipeId ? ' (plant-wide)' : ''
  }`;
}

export interface ReadingContext {
  parameter: string;
  equipmentId: string | null;
  /** The recipe of the equipment's latest operation, when known. */
  recipeId: string | null;
}

/**
 * The spec that applies (see the order at the top of this file). `specs` are current specs, or
 * every version when `at` is given: then the version in force at that time (changed at or before it).
 */
export function applicableSpec(specs: readonly SpecRecord[], r: ReadingContext, at?: number): SpecRecord | null {
  const inForce = new Map<string, SpecRecord>();
  for (const s of specs) {
    if (s.parameter !== r.parameter) continue;
    if (at !== undefined && !(Date.parse(s.changedAt) <= at)) continue;
    const k = `${s.equipmentId ?? ''}\u0000${s.recipeId ?? ''}`;
    const prev = inForce.get(k);
    if (!prev || s.version > prev.version) inForce.set(k, s);
  }
  const order: [string | null, string | null][] = [
    [r.equipmentId, r.recipeId],
    [null, r.recipeId],
    [r.equipmentId, null],
    [null, null],
  ];
  for (const [e, rc] of order) {
    const found = inForce.get(`${e ?? ''}\u0000${rc ?? ''}`);
    if (found) return found;
  }
  return null;
}

/** Where a value lies against a spec: inside, or the limit it crossed. */
export function checkValue(spec: Pick<SpecRecord, 'lsl' | 'usl'>, value: number): { side: 'low' | 'high'; limit: number } | null {
  if (spec.usl !== null && value > spec.usl) return { side: 'high', limit: spec.usl };
  if (spec.lsl !== null && value < spec.lsl) return { side: 'low', limit: spec.lsl };
  return null;
}

/** How long cached specs are trusted when another process may change them (the in-process change refreshes at once). */
export const SPEC_CACHE_MS = 60_000;

/**
 * The current specs, held in memory so that checking a reading costs no query. Reloaded after a
 * change in this process (`invalidate`), and at most SPEC_CACHE_MS after one in another process.
 */
export class SpecBook {
  private current: SpecRecord[] | undefined;
  private loadedAt = 0;
  /** Bumped by invalidate, so that a load begun before a change cannot install stale specs. */
  private generation = 0;

  constructor(
    private readonly store: Pick<GraphStore, 'specs'>,
    private readonly maxAgeMs = SPEC_CACHE_MS,
  ) {}

  invalidate(): void {
    this.current = undefined;
    this.generation++;
  }

  async all(): Promise<SpecRecord[]> {
    if (this.current && Date.now() - this.loadedAt < this.maxAgeMs) return this.current;
    const gen = this.generation;
    const specs = await this.store.specs();
    if (gen === this.generation) {
      this.current = specs;
      this.loadedAt = Date.now();
    }
    return specs;
  }
}
