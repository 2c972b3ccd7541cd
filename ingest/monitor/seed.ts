/**
 * The simulated plant's specs (the lsl/usl its routing gives each PLC parameter), written by the
 * demo at start when the graph has no spec at all. It is the system, not a person: no signature;
 * the audit trail records it under the actor `system`.
 */
import type { AuditTrail } from '../../domain/audit/trail.ts';
import type { GraphStore, NewSpec } from '../../cypher/port.ts';
import type { Routing } from '../simulator/routing.ts';
import type { Signer } from '../../domain/auth/signatures.ts';
import type { QualityConfigInput } from '../../domain/loop/config.ts';
import { setControlLimits } from '../../domain/loop/control-limits.ts';

export const SYSTEM_ACTOR = 'system';

/** One equipment spec per parameter of every printer and oven of the routing. */
export function routingSpecs(routing: Routing, at: string): NewSpec[] {
  return routing.lines.flatMap((line) =>
    [line.printer, line.oven].flatMap((eq) =>
      eq.parameters.map((p) => ({
        parameter: p.name,
        equipmentId: eq.id,
        recipeId: null,
        lsl: p.lsl,
        usl: p.usl,
        target: p.nominal,
        uom: p.uom,
        changedBy: SYSTEM_ACTOR,
        changedAt: at,
        reason: 'simulated plant: limits from its routing',
      })),
    ),
  );
}

/** Writes the routing's specs unless any spec exists; returns how many it wrote. */
export async function seedRoutingSpecs(
  store: Pick<GraphStore, 'specs' | 'saveSpec'>,
  routing: Routing,
  audit: Pick<AuditTrail, 'append'>,
): Promise<number> {
  if ((await store.specs()).length > 0) return 0;
  const specs = routingSpecs(routing, new Date().toISOString());
  for (const s of specs) await store.saveSpec(s);
  await audit.append({
    actor: SYSTEM_ACTOR,
    action: 'spec.seed',
    target: 'simulated plant',
    details: {
      reason: 'demo start: no spec in the graph',
      specs: specs.map((s) => ({ parameter: s.parameter, equipmentId: s.equipmentId, lsl: s.lsl, usl: s.usl })),
    },
  });
  return specs.length;
}

/**
 * The demo plant's quality configuration: routings of boards and finished units, the released
 * recipes, stations, equipment lines and intervals, operator qualifications (from the routing's
 * shifts), and the alarm policies that close the loop: an SPC signal is a warning, a zone
 * temperature outside its spec is critical and holds what the oven processed meanwhile.
 */
export function demoQualityConfig(routing: Routing): QualityConfigInput {
  const operators = [...new Set(routing.shifts.flat())];
  return {
    site: routing.site,
    alarmPolicies: [
      { rule: 'spc', severity: 'warning', action: 'alarm' },
      { rule: 'spec', severity: 'major', action: 'alarm', escalateAfterSeconds: 300 },
      ...routing.lines.flatMap((l) =>
        l.oven.parameters
          .filter((p) => p.name.endsWith('_temp'))
          .map((p) => ({
            rule: 'spec' as const,
            equipmentId: l.oven.id,
            parameter: p.name,
            severity: 'critical' as const,
            action: 'hold' as const,
            escalateAfterSeconds: 120,
          })),
      ),
      { rule: 'calibration', severity: 'major', action: 'alarm' },
      { rule: 'maintenance', severity: 'warning', action: 'alarm' },
    ],
    routings: [
      {
        product: '4012345.022222',
        steps: [{ step: 'print' }, { step: 'reflow' }, { step: 'aoi', inspection: true }, { step: 'final-assembly' }],
      },
      { product: '4012345.011111', steps: [{ step: 'final-assembly' }, { step: 'fct', inspection: true }, { step: 'pack' }] },
    ],
    recipeReleases: [
      { product: '4012345.022222', recipeId: 'PASTE-PRINT-R3', released: true },
      { product: '4012345.022222', recipeId: 'SAC305-PROFILE-2', released: true },
    ],
    stations: routing.lines.flatMap((l) => [
      { id: `${l.id}-PRINT`, step: 'print', equipmentId: l.printer.id, recipeId: 'PASTE-PRINT-R3' },
      { id: `${l.id}-REFLOW`, step: 'reflow', equipmentId: l.oven.id, recipeId: 'SAC305-PROFILE-2' },
      { id: `${l.id}-AOI`, step: 'aoi', equipmentId: l.aoi.id },
      { id: `${l.id}-ASSY`, step: 'final-assembly', equipmentId: l.assembly.id },
    ]),
    equipment: routing.lines.flatMap((l) => [
      { id: l.printer.id, line: l.id, maintenanceIntervalDays: 7 },
      { id: l.oven.id, line: l.id, calibrationIntervalDays: 1 },
      { id: l.aoi.id, line: l.id },
      { id: l.assembly.id, line: l.id },
      { id: l.tester.id, line: l.id },
    ]),
    qualifications: operators.map((operatorId) => ({ operatorId, steps: ['print', 'reflow', 'aoi', 'final-assembly', 'fct'] })),
  };
}

/**
 * Control limits for the oven temperatures from the routing's nominal and noise (sigma a little
 * above the sensor noise, which the process wander adds to), judged by WE 1 and 2: a drift signals
 * on the control chart before it crosses the spec. Written once, audited under `system`.
 */
export async function seedDemoControlLimits(
  store: Pick<GraphStore, 'readings' | 'saveControlLimits' | 'controlLimits'>,
  routing: Routing,
  audit: Pick<AuditTrail, 'append'>,
): Promise<number> {
  if ((await store.controlLimits()).length > 0) return 0;
  const system: Signer = async ({ meaning, target }) => {
    const e = await audit.append({ actor: SYSTEM_ACTOR, action: 'spc.limits.seed', target, details: { meaning } });
    return { signer: SYSTEM_ACTOR, role: 'admin', signedAt: e.time, meaning, target, auditSeq: e.seq, auditHash: e.hash };
  };
  let n = 0;
  for (const l of routing.lines)
    for (const p of l.oven.parameters.filter((x) => x.name.endsWith('_temp'))) {
      await setControlLimits({ store, audit }, system, {
        limits: {
          parameter: p.name,
          equipmentId: l.oven.id,
          center: p.nominal,
          sigma: Math.round(p.noise * 2.5 * 100) / 100,
          rules: ['we1', 'we2'],
          reason: 'simulated plant: nominal and noise of its routing',
        },
        meaning: 'seeded by the demo',
      });
      n++;
    }
  return n;
}
