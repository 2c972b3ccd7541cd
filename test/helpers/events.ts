/** Small builders for canonical events in tests. */
import { CanonicalEvent, type CanonicalEventInput } from '../../core/events.ts';

let clock = Date.UTC(2026, 2, 1);
export const at = (minutes: number) => new Date(Date.UTC(2026, 2, 1) + minutes * 60_000).toISOString();
const next = () => new Date((clock += 60_000)).toISOString();

/** An event without its time (distributed over the union so each kind keeps its own fields). */
type Timeless<E> = E extends unknown ? Omit<E, 'eventTime'> & { eventTime?: string } : never;

export function ev(e: Timeless<CanonicalEventInput>): CanonicalEvent {
  return CanonicalEvent.parse({ eventTime: next(), ...e });
}

export const receive = (id: string, lot: string, supplier = 'ACME') =>
  ev({ kind: 'receive', eventId: id, lot, material: 'resin', qty: 100, uom: 'kg', supplier });

export const op = (
  id: string,
  inputs: string[],
  outputs: string[],
  type: 'lot' | 'unit' = 'lot',
  extra: Partial<{ equipmentId: string; operatorId: string }> = {},
) =>
  ev({
    kind: 'operation',
    eventId: id,
    operationId: `OP-${id}`,
    step: 'step',
    station: 'ST1',
    inputs: inputs.map((i) => ({ id: i, qty: 1 })),
    outputs: outputs.map((o) => ({ id: o, type, qty: 1 })),
    ...extra,
  });

export const pack = (id: string, parent: string, children: string[]) => ev({ kind: 'pack', eventId: id, parent, children });

export const ship = (id: string, shipmentId: string, items: string[], customer: string) =>
  ev({ kind: 'ship', eventId: id, shipmentId, items, customer });

/** A deterministic shuffle (the tests must fail the same way twice). */
export function shuffled<T>(xs: readonly T[], seed = 7): T[] {
  const a = [...xs];
  let s = seed;
  for (let i = a.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
