/**
 * The quality loop's configuration, versioned: what each alarm does (severity, alarm only or hold,
 * escalation time), routings (the steps a product goes through and where an inspection must pass),
 * recipe releases per product, stations (their step, equipment and recipe), equipment (line,
 * calibration and maintenance intervals) and operator qualifications.
 *
 * It lives in one append-only file under the data directory, `quality/config.jsonl`: one version a
 * line, each with who set it, when, why and the audit entry of the signature. Every process reading
 * the same data directory sees a change at its next look (the file's size is checked on each read).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { TracegraphError } from '../../core/errors.ts';
import { ALARM_RULES, ALARM_SEVERITIES } from '../../cypher/specs-alarms.ts';
import type { AlarmRecord, AlarmSeverity } from '../../cypher/port.ts';
import type { AuditTrail } from '../audit/trail.ts';
import type { Signer } from '../auth/signatures.ts';

const code = z.string().trim().min(1).max(128);

export const AlarmPolicy = z.object({
  /** A rule id, `spc` for every run rule, or absent for any rule. */
  rule: z.enum([...ALARM_RULES, 'spc']).optional(),
  parameter: code.optional(),
  equipmentId: code.optional(),
  severity: z.enum(ALARM_SEVERITIES),
  action: z.enum(['alarm', 'hold']),
  /** Escalate when still unacknowledged this long after it was raised; absent: never. */
  escalateAfterSeconds: z.number().int().positive().optional(),
});
export type AlarmPolicy = z.infer<typeof AlarmPolicy>;

export const RoutingStep = z.object({
  step: code,
  /**
   * An inspection step (AOI, functional test): done by an inspection of the item after the step
   * before it; the steps after it need that inspection passed.
   */
  inspection: z.boolean().optional(),
});

export const QualityConfig = z
  .object({
    /** The site level of the MQTT topics alarms are published on. */
    site: code.default('site1'),
    alarmPolicies: z.array(AlarmPolicy).default([]),
    routings: z
      .array(z.object({ product: code, steps: z.array(RoutingStep).min(1, 'a routing needs at least one step') }))
      .default([]),
    recipeReleases: z.array(z.object({ product: code, recipeId: code, released: z.boolean() })).default([]),
    stations: z
      .array(z.object({ id: code, step: code.optional(), equipmentId: code.optional(), recipeId: code.optional() }))
      .default([]),
    equipment: z
      .array(
        z.object({
          id: code,
          line: code.optional(),
          calibrationIntervalDays: z.number().positive().optional(),
          maintenanceIntervalDays: z.number().positive().optional(),
        }),
      )
      .default([]),
    qualifications: z.array(z.object({ operatorId: code, steps: z.array(code) })).default([]),
  })
  .strict();
export type QualityConfig = z.infer<typeof QualityConfig>;
export type QualityConfigInput = z.input<typeof QualityConfig>;

export interface QualityConfigVersion {
  version: number;
  config: QualityConfig;
  setBy: string;
  setAt: string;
  reason: string;
  /** The audit entry of the signature (null for the system's seed). */
  signatureSeq: number | null;
}

const VersionLine = z.object({
  version: z.number().int().positive(),
  config: QualityConfig,
  setBy: z.string(),
  setAt: z.string(),
  reason: z.string(),
  signatureSeq: z.number().int().nullable(),
});

export const EMPTY_CONFIG: QualityConfig = QualityConfig.parse({});

/** A BAD_INPUT naming each problem of a config a person gave. */
export function parseQualityConfig(input: unknown): QualityConfig {
  const r = QualityConfig.safeParse(input);
  if (!r.success)
    throw new TracegraphError(
      'BAD_INPUT',
      `quality configuration not changed: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  return r.data;
}

export class QualityConfigStore {
  readonly file: string;
  private versions: QualityConfigVersion[] = [];
  private size = -1;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'quality', 'config.jsonl');
  }

  private refresh(): void {
    const size = existsSync(this.file) ? statSync(this.file).size : 0;
    if (size === this.size) return;
    const lines = size ? readFileSync(this.file, 'utf8').split('\n').filter(Boolean) : [];
    this.versions = lines.map((l, i) => {
      const r = VersionLine.safeParse(JSON.parse(l));
      if (!r.success)
        throw new TracegraphError(
          'CONFIG',
          `${this.file} line ${i + 1} is not a quality configuration version: ${r.error.message}`,
        );
      return r.data;
    });
    this.size = size;
  }

  /** The version in force (version 0, empty, when none was ever set). */
  current(): QualityConfigVersion {
    this.refresh();
    return (
      this.versions.at(-1) ?? {
        version: 0,
        config: EMPTY_CONFIG,
        setBy: 'system',
        setAt: new Date(0).toISOString(),
        reason: 'none set',
        signatureSeq: null,
      }
    );
  }

  history(): QualityConfigVersion[] {
    this.refresh();
    return [...this.versions];
  }

  /** Appends a version (already checked and signed by the caller). */
  append(v: Omit<QualityConfigVersion, 'version'>): QualityConfigVersion {
    const saved = { ...v, version: this.current().version + 1 };
    mkdirSync(join(this.file, '..'), { recursive: true });
    appendFileSync(this.file, `${JSON.stringify(saved)}\n`);
    return saved;
  }
}

/**
 * Writes a new configuration version, signed and audited (`quality.config`). The input is checked
 * before signing, so a bad one asks for no signature.
 */
export async function changeQualityConfig(
  s: { config: QualityConfigStore; audit: Pick<AuditTrail, 'append'> },
  sign: Signer,
  input: { config: unknown; reason: string; meaning?: string | null },
): Promise<QualityConfigVersion> {
  const config = parseQualityConfig(input.config);
  const reason = input.reason.trim();
  if (!reason) throw new TracegraphError('BAD_INPUT', 'a configuration change needs a reason');
  const target = `quality configuration v${s.config.current().version + 1}`;
  const sig = await sign({ meaning: input.meaning ?? 'approved configuration change', target });
  const saved = s.config.append({ config, setBy: sig.signer, setAt: sig.signedAt, reason, signatureSeq: sig.auditSeq });
  await s.audit.append({
    actor: sig.signer,
    action: 'quality.config',
    target,
    details: { version: saved.version, reason, signatureSeq: sig.auditSeq },
  });
  return saved;
}

/** The system's first version (the demo's plant), unsigned; written only when none exists. */
export async function seedQualityConfig(
  s: { config: QualityConfigStore; audit: Pick<AuditTrail, 'append'> },
  config: QualityConfigInput,
  reason: string,
): Promise<QualityConfigVersion | null> {
  if (s.config.current().version > 0) return null;
  const saved = s.config.append({
    config: parseQualityConfig(config),
    setBy: 'system',
    setAt: new Date().toISOString(),
    reason,
    signatureSeq: null,
  });
  await s.audit.append({
    actor: 'system',
    action: 'quality.config',
    target: `quality configuration v${saved.version}`,
    details: { reason },
  });
  return saved;
}

const SPECIFICITY = (p: AlarmPolicy) =>
  (p.rule && p.rule !== 'spc' ? 4 : p.rule ? 2 : 0) + (p.equipmentId ? 2 : 0) + (p.parameter ? 1 : 0);

/** The most specific policy for an alarm, or the default: warning, alarm only, no escalation. */
export function policyFor(config: QualityConfig, a: Pick<AlarmRecord, 'rule' | 'parameter' | 'equipmentId'>): AlarmPolicy {
  const isSpc = a.rule !== 'spec' && a.rule !== 'calibration' && a.rule !== 'maintenance';
  let best: AlarmPolicy | undefined;
  for (const p of config.alarmPolicies) {
    if (p.rule && !(p.rule === a.rule || (p.rule === 'spc' && isSpc))) continue;
    if (p.parameter && p.parameter !== a.parameter) continue;
    if (p.equipmentId && p.equipmentId !== a.equipmentId) continue;
    if (!best || SPECIFICITY(p) > SPECIFICITY(best)) best = p;
  }
  return best ?? { severity: 'warning' as AlarmSeverity, action: 'alarm' };
}

/** The line an equipment belongs to (for MQTT topics), or `unassigned`. */
export function lineOf(config: QualityConfig, equipmentId: string): string {
  return config.equipment.find((e) => e.id === equipmentId)?.line ?? 'unassigned';
}

/**
 * The product of an item id, for routings and recipe releases: the company prefix and item
 * reference of a GS1 SGTIN or LGTIN (`4012345.022222`); any other id has none.
 */
export function productOf(item: string): string | null {
  const m = /^urn:epc:(?:id:sgtin|class:lgtin):(\d+\.\d+)\./.exec(item);
  return m ? m[1]! : null;
}
