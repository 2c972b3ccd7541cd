/** Events and a fault-injecting store wrapper shared by the pipeline tests. */
import type { CanonicalEvent, CanonicalEventInput } from '../../core/events.ts';
import type { EventWriter, GraphStore } from '../../cypher/port.ts';

export const scan = (i: number) =>
  ({ kind: 'scan', eventId: `s${i}`, eventTime: '2026-03-01T08:00:00Z', id: `SN-${i}`, station: 'S1' }) as const;

const t = (m: number) => `2026-03-01T08:${String(m).padStart(2, '0')}:00+01:00`;

/** A small plant: a lot printed into two boards, packed into a case, shipped. */
export const PLANT: CanonicalEventInput[] = [
  { kind: 'receive', eventId: 'e1', eventTime: t(0), lot: 'LOT-A', material: 'paste', qty: 5, uom: 'kg', supplier: 'Acme' },
  {
    kind: 'operation',
    eventId: 'e2',
    eventTime: t(1),
    operationId: 'PRINT-1',
    step: 'print',
    station: 'P1',
    inputs: [{ id: 'LOT-A', qty: 0.1, uom: 'kg' }],
    outputs: [
      { id: 'PCB-1', type: 'unit' },
      { id: 'PCB-2', type: 'unit' },
    ],
  },
  { kind: 'pack', eventId: 'e3', eventTime: t(2), parent: 'CASE-1', children: ['PCB-1', 'PCB-2'] },
  { kind: 'ship', eventId: 'e4', eventTime: t(3), shipmentId: 'SHP-1', items: ['CASE-1'], customer: 'Contoso' },
];

/**
 * A real store behind a switch: while `failing`, writes throw as an unreachable server would.
 * A fault injector around the real thing, not a mock: what gets through is really stored.
 */
export class FlakyStore implements EventWriter {
  failing = true;
  failures = 0;
  constructor(readonly inner: GraphStore) {}
  get backend() {
    return this.inner.backend;
  }
  async applyEvents(events: readonly CanonicalEvent[]) {
    if (this.failing) {
      this.failures++;
      throw new Error('connection refused (injected)');
    }
    return this.inner.applyEvents(events);
  }
}
