/** What both adapters share for listings: the query parameters of a filter and the page read back. */
import type {
  CustomerListing,
  Listed,
  ListPage,
  LotFilter,
  LotListing,
  MaterialListing,
  NamedListing,
  RecallFilter,
  RecallListing,
  RecallStatus,
  ShipmentFilter,
  ShipmentListing,
} from './port.ts';

/** The context nodes listed by id alone, and the query file each one uses. */
export const NAMED_LISTINGS = { equipment: 'Equipment', operators: 'Operator' } as const;

/**
 * Parameters every listing query takes: `prefix` and `after` ('' = none; every key sorts after ''),
 * `limit` one more than the page, so that the extra row says whether another page follows.
 */
export function pageParams(f: ListPage): { prefix: string; after: string; limit: number } {
  return { prefix: f.prefix ?? '', after: f.after ?? '', limit: f.first + 1 };
}

/** A lot filter's parts, lower-cased for the case-insensitive match ('' = any). */
export function lotParams(f: LotFilter) {
  const low = (s: string | undefined) => (s ?? '').toLowerCase();
  return { ...pageParams(f), material: low(f.material), supplier: low(f.supplier), supplierLot: low(f.supplierLot) };
}

export const shipmentParams = (f: ShipmentFilter) => ({ ...pageParams(f), customer: f.customer ?? '' });
export const recallParams = (f: RecallFilter) => ({ ...pageParams(f), status: f.status ?? '' });

/** Rows (at most first + 1) to a page. */
export function listed<T>(
  rows: readonly Record<string, unknown>[],
  first: number,
  row: (r: Record<string, unknown>) => T,
): Listed<T> {
  return { nodes: rows.slice(0, first).map(row), hasNextPage: rows.length > first };
}

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export const lotRow = (r: Record<string, unknown>): LotListing => ({
  id: String(r.id),
  material: str(r.material),
  qty: num(r.qty),
  uom: str(r.uom),
  supplier: str(r.supplier),
  supplierLot: str(r.supplierLot),
});
export const materialRow = (r: Record<string, unknown>): MaterialListing => ({
  material: String(r.material),
  lots: Number(r.lots),
});
export const namedRow = (r: Record<string, unknown>): NamedListing => ({ id: String(r.id) });
export const customerRow = (r: Record<string, unknown>): CustomerListing => ({
  id: String(r.id),
  shipments: Number(r.shipments),
});
export const shipmentRow = (r: Record<string, unknown>): ShipmentListing => ({
  id: String(r.id),
  eventTime: str(r.eventTime),
  customer: str(r.customer),
});
export const recallRow = (r: Record<string, unknown>): RecallListing => ({
  id: String(r.id),
  name: String(r.name),
  // Recalls saved before statuses existed are drafts.
  status: (str(r.status) ?? 'draft') as RecallStatus,
  createdAt: String(r.createdAt),
});
