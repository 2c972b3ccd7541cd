/** What both adapters share for holds: the items a hold covers and the record read back. */
import { TracegraphError } from '../core/errors.ts';
import type { HoldRecord, HoldStatus, PlaceHold, TraceStore } from './port.ts';

/** The ids a new hold covers: the given ones and, when asked, everything a forward trace reaches. */
export async function holdItems(store: Pick<TraceStore, 'traceForward'>, req: PlaceHold): Promise<string[]> {
  if (!req.items.length) throw new TracegraphError('BAD_INPUT', 'a hold needs at least one lot or unit');
  const all = new Set(req.items);
  if (req.includeDownstream) {
    const t = await store.traceForward(req.items);
    for (const id of [...t.lots, ...t.units, ...t.containers]) all.add(id);
  }
  return [...all];
}

export function unknownItems(missing: readonly string[]): TracegraphError {
  const shown = missing.slice(0, 5).join(', ') + (missing.length > 5 ? ` and ${missing.length - 5} more` : '');
  return new TracegraphError('NOT_FOUND', `no lot or unit ${shown} in the graph: nothing was held (check the ids)`);
}

export function holdNotReleasable(id: string, found: HoldRecord | undefined): TracegraphError {
  if (!found) return new TracegraphError('NOT_FOUND', `no hold ${id}: list them with the \`holds\` query`);
  return new TracegraphError(
    'BAD_INPUT',
    `hold ${id} was already released by ${found.releasedBy ?? '?'} at ${found.releasedAt ?? '?'}: nothing changed`,
  );
}

/** A row of hold-list (either backend) as a record. */
export function holdFromRow(get: (key: string) => unknown): HoldRecord {
  const str = (k: string) => (get(k) ?? null) as string | null;
  return {
    id: get('id') as string,
    reason: get('reason') as string,
    status: get('status') as HoldStatus,
    placedBy: get('placedBy') as string,
    placedAt: get('placedAt') as string,
    releasedBy: str('releasedBy'),
    releasedAt: str('releasedAt'),
    releaseMeaning: str('releaseMeaning'),
    items: [...(get('items') as string[])].sort(),
  };
}
