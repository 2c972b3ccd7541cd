/** Steps of a write that are the same on every backend. */
import type { CanonicalEvent } from '../core/events.ts';
import { nextTurn, ROWS_PER_TURN } from '../core/turns.ts';
import { emptyProjection, project, projectGraph, type Projection } from './projection.ts';

/**
 * One event per eventId. A repeat that carries an error declaration wins over the plain event
 * (EPCIS declares an error by re-sending the event with the same id plus `errorDeclaration`).
 */
export function collapseBatch(events: readonly CanonicalEvent[]): { unique: CanonicalEvent[]; repeats: number } {
  const byId = new Map<string, CanonicalEvent>();
  for (const e of events) {
    const prev = byId.get(e.eventId);
    if (!prev || (!prev.errorDeclaration && e.errorDeclaration)) byId.set(e.eventId, e);
  }
  return { unique: [...byId.values()], repeats: events.length - byId.size };
}

export interface Stored {
  voided: boolean;
  payload: string;
}

export interface Plan {
  projection: Projection;
  /** Stored events that this batch declares in error, with what they had drawn. */
  voids: { eventId: string; drawn: Projection; payload: string }[];
  duplicates: number;
  voided: number;
}

/**
 * Decides what a batch does, given what the store already holds for its eventIds: new events are
 * projected, a declaration against a stored live event voids it, everything else is a duplicate.
 * Projects in pieces, each on its own turn of the event loop (core/turns.ts).
 */
export async function planBatch(events: readonly CanonicalEvent[], stored: ReadonlyMap<string, Stored>): Promise<Plan> {
  const { unique, repeats } = collapseBatch(events);
  const projection = emptyProjection();
  const voids: Plan['voids'] = [];
  let duplicates = repeats;
  let voided = 0;
  let n = 0;
  for (const e of unique) {
    if (++n % ROWS_PER_TURN === 0) await nextTurn();
    const s = stored.get(e.eventId);
    if (!s) {
      project(projection, e);
      if (e.errorDeclaration) voided++;
    } else if (e.errorDeclaration && !s.voided) {
      const drawn = emptyProjection();
      projectGraph(drawn, JSON.parse(s.payload) as CanonicalEvent);
      voids.push({ eventId: e.eventId, drawn, payload: JSON.stringify(e) });
      voided++;
    } else {
      duplicates++;
    }
  }
  return { projection, voids, duplicates, voided };
}
