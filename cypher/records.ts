/**
 * Assembles the rows of the records-*.cypher queries (every row tagged with the batch id it belongs
 * to, `of`) into one ItemRecord per item, the same shape `itemRecord` gives for one id.
 */
import {
  flowFacts,
  inspectionFacts,
  itemFacts,
  packFacts,
  shipmentFacts,
  uniqueBy,
  uniqueOperations,
  type RawRow,
} from './history-rows.ts';
import { TracegraphError } from '../core/errors.ts';
import type { ItemRecord } from './port.ts';

/** The query files of a batch read, in the order `assembleRecords` takes their rows. */
export const RECORD_QUERIES = [
  'records-item',
  'records-operations',
  'records-flows',
  'records-inspections',
  'records-containers',
  'records-shipments',
] as const;

function byOf(rows: readonly RawRow[]): Map<string, RawRow[]> {
  const out = new Map<string, RawRow[]>();
  for (const r of rows) {
    const k = String(r.of);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/** `rows[q]` holds every statement's rows of RECORD_QUERIES[q], concatenated. */
export function assembleRecords(ids: readonly string[], rows: readonly RawRow[][]): ItemRecord[] {
  const items = new Map(rows[0]!.map((r) => [String(r.id), r]));
  const [ops, flows, inspections, containers, shipments] = rows.slice(1).map(byOf) as [
    Map<string, RawRow[]>,
    Map<string, RawRow[]>,
    Map<string, RawRow[]>,
    Map<string, RawRow[]>,
    Map<string, RawRow[]>,
  ];
  const out: ItemRecord[] = [];
  for (const id of new Set(ids)) {
    const item = items.get(id);
    if (!item) continue;
    out.push({
      item: itemFacts(item),
      operations: uniqueOperations(ops.get(id) ?? []),
      flows: (flows.get(id) ?? []).map(flowFacts),
      inspections: (inspections.get(id) ?? []).map(inspectionFacts),
      containers: uniqueBy((containers.get(id) ?? []).map(packFacts), (p) => `${p.child}\u0000${p.parent}`),
      shipments: uniqueBy((shipments.get(id) ?? []).map(shipmentFacts), (s) => `${s.item}\u0000${s.shipment}`),
    });
  }
  return out;
}

/**
 * Bounds on receiveKey ("<UTC time>|<eventId>", projection.ts) for receive times in [from, to]:
 * both given as ISO 8601 in any offset, compared as UTC.
 */
export function receiveBounds(from: string, to: string): { from: string; to: string } {
  const utc = (t: string, name: string) => {
    const ms = Date.parse(t);
    if (Number.isNaN(ms)) throw new TracegraphError('BAD_INPUT', `${name} ${JSON.stringify(t)} is not an ISO 8601 time`);
    return new Date(ms).toISOString();
  };
  // "|" sorts after every character of a time, so "<to>|" ends the range after every event at `to`.
  return { from: utc(from, 'from'), to: `${utc(to, 'to')}|\uffff` };
}

/**
 * Containers and shipments of a batch by levels of packing (for a store whose recursive queries
 * are slow from many sources): `edges(ids)` answers the PACKED_IN edges out of `ids` (child,
 * parent, eventTime), `shipments(ids)` the shipments of `ids` (item, shipment, customer,
 * eventTime). Returns the rows of records-containers and records-shipments as the recursive forms
 * give them: tagged with `of`, the batch id they belong to.
 */
export async function containersByLevel(
  ids: readonly string[],
  edges: (ids: string[]) => Promise<RawRow[]>,
  shipments: (ids: string[]) => Promise<RawRow[]>,
): Promise<{ containers: RawRow[]; shipments: RawRow[] }> {
  const up = new Map<string, RawRow[]>();
  const seen = new Set(ids);
  let level = [...ids];
  for (let depth = 0; depth < 50 && level.length; depth++) {
    const next: string[] = [];
    for (const r of await edges(level)) {
      const child = String(r.child);
      const parent = String(r.parent);
      const list = up.get(child);
      if (list) list.push(r);
      else up.set(child, [r]);
      if (!seen.has(parent)) {
        seen.add(parent);
        next.push(parent);
      }
    }
    level = next;
  }
  const shippedBy = new Map<string, RawRow[]>();
  for (const r of await shipments([...seen])) {
    const list = shippedBy.get(String(r.item));
    if (list) list.push(r);
    else shippedBy.set(String(r.item), [r]);
  }
  const containerRows: RawRow[] = [];
  const shipmentRows: RawRow[] = [];
  for (const of of ids) {
    const visited = new Set([of]);
    let at = [of];
    while (at.length) {
      const next: string[] = [];
      for (const x of at) {
        for (const r of shipmentRowsOf(shippedBy, x)) shipmentRows.push({ ...r, of });
        for (const r of up.get(x) ?? []) {
          containerRows.push({ ...r, of });
          const p = String(r.parent);
          if (!visited.has(p)) {
            visited.add(p);
            next.push(p);
          }
        }
      }
      at = next;
    }
  }
  return { containers: containerRows, shipments: shipmentRows };
}

const shipmentRowsOf = (by: Map<string, RawRow[]>, id: string): RawRow[] => by.get(id) ?? [];
