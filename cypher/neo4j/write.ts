/**
 * The Neo4j store's write path. A batch is one managed write transaction (the driver retries it on
 * transient errors), so nothing is reported as applied that was not committed.
 */
import type { ManagedTransaction } from 'neo4j-driver';
import type { CanonicalEvent } from '../../core/events.ts';
import { planBatch, type Stored } from '../batch.ts';
import type { ApplyResult } from '../port.ts';
import { PROFILE, profile } from '../profile.ts';
import type { Projection } from '../projection.ts';
import { query, statements } from '../queries.ts';
import type { Neo4jConnection, Params } from './connection.ts';

const NAMED = ['Party', 'WorkOrder', 'Equipment', 'Operator', 'Recipe'] as const;
const LINKS: [keyof Projection, string, string, string][] = [
  ['shipTo', 'Shipment', 'TO', 'Party'],
  ['suppliedBy', 'Item', 'SUPPLIED_BY', 'Party'],
  ['opFor', 'Operation', 'FOR', 'WorkOrder'],
  ['opOn', 'Operation', 'ON', 'Equipment'],
  ['opBy', 'Operation', 'BY', 'Operator'],
  ['opFollows', 'Operation', 'FOLLOWS', 'Recipe'],
];

/** Rows are sent in slices so that one huge batch does not become one huge Bolt message. */
export const SLICE = 5_000;

export async function applyBatch(conn: Neo4jConnection, events: readonly CanonicalEvent[]): Promise<ApplyResult> {
  if (events.length === 0) return { applied: 0, duplicates: 0, voided: 0 };
  // The lookup and the writes share one transaction: a concurrent writer of the same eventId
  // makes one of the two fail on the Event constraint and retry, seeing the other's event.
  return conn.tx('WRITE', async (tx) => {
    const ids = [...new Set(events.map((e) => e.eventId))];
    const found = await tx.run(query('neo4j', 'find-events'), { ids });
    const stored = new Map<string, Stored>(
      found.records.map((r) => [
        r.get('id') as string,
        { voided: Boolean(r.get('voided')), payload: r.get('payload') as string },
      ]),
    );
    const plan = await planBatch(events, stored);
    await writeProjection(tx, plan.projection);
    for (const v of plan.voids)
      for (const s of statements('neo4j', 'void-event')) await tx.run(s, { id: v.eventId, payload: v.payload });
    return { applied: plan.projection.events.length, duplicates: plan.duplicates, voided: plan.voided };
  });
}

async function runSliced(tx: ManagedTransaction, text: string, key: string, rows: unknown[]): Promise<void> {
  for (let i = 0; i < rows.length; i += SLICE) {
    const t0 = PROFILE ? performance.now() : 0;
    await tx.run(text, { [key]: rows.slice(i, i + SLICE) } as Params);
    if (PROFILE) profile(text, performance.now() - t0);
  }
}

async function writeProjection(tx: ManagedTransaction, p: Projection): Promise<void> {
  const q = (name: string, fill?: Record<string, string>) => query('neo4j', name, fill);
  await runSliced(tx, q('create-events'), 'rows', p.events);
  await runSliced(tx, q('merge-items'), 'rows', [...p.items.values()]);
  await runSliced(tx, q('set-receives'), 'rows', [...p.receives.values()]);
  await runSliced(tx, q('merge-operations'), 'rows', [...p.operations.values()]);
  await runSliced(tx, q('merge-shipments'), 'rows', [...p.shipments.values()]);
  const named: Record<(typeof NAMED)[number], Set<string>> = {
    Party: p.parties,
    WorkOrder: p.workOrders,
    Equipment: p.equipment,
    Operator: p.operators,
    Recipe: p.recipes,
  };
  for (const label of NAMED) await runSliced(tx, q('merge-named', { Label: label }), 'ids', [...named[label]]);
  await runSliced(tx, q('create-inputs'), 'rows', p.inputs);
  await runSliced(tx, q('create-outputs'), 'rows', p.outputs);
  await runSliced(tx, q('create-packed-in'), 'rows', p.packs);
  await runSliced(tx, q('create-shipped-in'), 'rows', p.shipped);
  for (const [key, from, rel, to] of LINKS)
    await runSliced(tx, q('merge-link', { From: from, Rel: rel, To: to }), 'rows', p[key] as unknown[]);
  await runSliced(tx, q('create-inspections'), 'rows', p.inspections);
  await runSliced(tx, q('create-maintenance'), 'rows', p.maintenance);
  await runSliced(tx, q('create-readings'), 'rows', p.readings);
  await runSliced(tx, q('trace-events-mentions'), 'rows', p.mentions);
}
