/** A small plant for recall tests, shared by the store contract and the API tests. */
import type { CanonicalEvent } from '../../core/events.ts';
import { at, ev } from '../helpers/events.ts';

const q = (id: string, qty?: number, uom?: string) => ({ id, ...(qty === undefined ? {} : { qty }), ...(uom ? { uom } : {}) });

/**
 * Three supplier lots mixed on MIXER-1 (out of spec from minute 15 to 22), assembled on ASM-1
 * under one recipe by two operators; U3 fails inspection; U1 and U3 ship in CASE1, U5 loose.
 */
export function recallPlant(): CanonicalEvent[] {
  const mix = (id: string, t: number, inputs: ReturnType<typeof q>[], output: ReturnType<typeof q>) =>
    ev({
      kind: 'operation',
      eventId: id,
      eventTime: at(t),
      operationId: `OP-${id}`,
      step: 'mix',
      station: 'MIX-1',
      equipmentId: 'MIXER-1',
      operatorId: 'OPR-1',
      inputs,
      outputs: [{ ...output, type: 'lot' as const }],
    });
  const asm = (id: string, t: number, input: ReturnType<typeof q>, units: string[], operatorId: string) =>
    ev({
      kind: 'operation',
      eventId: id,
      eventTime: at(t),
      operationId: `OP-${id}`,
      step: 'assembly',
      station: 'ASM-1',
      equipmentId: 'ASM-1',
      operatorId,
      recipeId: 'RCP-A',
      inputs: [input],
      outputs: units.map((u) => ({ id: u, type: 'unit' as const, qty: 1, uom: 'ea' })),
    });
  const reading = (id: string, t: number, value: number) =>
    ev({ kind: 'reading', eventId: id, eventTime: at(t), equipmentId: 'MIXER-1', parameter: 'temperature', value, uom: 'Cel' });
  const receive = (id: string, lot: string, material: string, qty: number) =>
    ev({ kind: 'receive', eventId: id, eventTime: at(1), lot, material, qty, uom: 'kg', supplier: 'ACME' });
  return [
    receive('r1', 'L1', 'resin', 100),
    receive('r2', 'L2', 'resin', 100),
    receive('r3', 'L3', 'hardener', 50),
    reading('t5', 5, 60),
    reading('t15', 15, 80),
    reading('t22', 22, 61),
    mix('mix1', 10, [q('L1', 60, 'kg'), q('L3', 10, 'kg')], q('M1', 70, 'kg')),
    mix('mix2', 20, [q('L2', 80, 'kg'), q('L3', 45, 'kg')], q('M2', 125, 'kg')),
    mix('mix3', 25, [q('L1', 5, 'lb')], q('M3', 2, 'kg')),
    asm('asm1', 30, q('M1', 10, 'kg'), ['U1', 'U2'], 'OPR-2'),
    asm('asm2', 40, q('M2', 10, 'kg'), ['U3', 'U4'], 'OPR-3'),
    asm('asm3', 50, q('M1', 5, 'kg'), ['U5'], 'OPR-2'),
    ev({ kind: 'inspection', eventId: 'i3', eventTime: at(41), id: 'U3', result: 'fail', defects: ['D-SEAL'] }),
    ev({ kind: 'inspection', eventId: 'i4', eventTime: at(41), id: 'U4', result: 'pass' }),
    ev({ kind: 'pack', eventId: 'p1', eventTime: at(60), parent: 'CASE1', children: ['U1', 'U3'] }),
    ev({ kind: 'ship', eventId: 's1', eventTime: at(70), shipmentId: 'SHP1', items: ['CASE1'], customer: 'CUST-A' }),
    ev({ kind: 'ship', eventId: 's2', eventTime: at(71), shipmentId: 'SHP2', items: ['U5'], customer: 'CUST-B' }),
    // Declared in error: it no longer counts among a trace's events.
    ev({
      kind: 'scan',
      eventId: 'bad-scan',
      eventTime: at(72),
      id: 'U3',
      station: 'X',
      errorDeclaration: { declarationTime: at(73), reason: 'incorrect_data' },
    }),
  ];
}
