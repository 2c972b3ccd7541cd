/**
 * The simulated plant's specs (the lsl/usl its routing gives each PLC parameter), written by the
 * demo at start when the graph has no spec at all. It is the system, not a person: no signature;
 * the audit trail records it under the actor `system`.
 */
import type { AuditTrail } from '../../domain/audit/trail.ts';
import type { GraphStore, NewSpec } from '../../cypher/port.ts';
import type { Routing } from '../simulator/routing.ts';

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
