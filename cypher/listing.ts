/** What both adapters share for listings: the query parameters of a filter and the page read back. */
import type {
  CustomerListing,
  Listed,
  ListingStore,
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
const NAMED_LISTINGS = { equipment: 'Equipment', operators: 'Operator' } as const;

/**
 * Parameters every listing query takes: `prefix` and `after` ('' = none; every key sorts after ''),
 * `limit` one more than the page, so that the extra row says whether another page follows.
 */
export function pageParams(f: ListPage): { prefix: string; after: string; limit: number } {
  return { prefix: f.prefix ?? '', after: f.after ?? '', limit: f.first + 1 };
}

/** A lot filter's parts, lower-cased for the case-insensitive match ('' = any). */
function lotParams(f: LotFilter) {
  const low = (s: string | undefined) => (s ?? '').toLowerCase();
  return { ...pageParams(f), material: low(f.material), supplier: low(f.supplier), supplierLot: low(f.supplierLot) };
}

const shipmentParams = (f: ShipmentFilter) => ({ ...pageParams(f), customer: f.customer ?? '' });
const recallParams = (f: RecallFilter) => ({ ...pageParams(f), status: f.status ?? '' });

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

const lotRow = (r: Record<string, unknown>): LotListing => ({
  id: String(r.id),
  material: str(r.material),
  qty: num(r.qty),
  uom: str(r.uom),
  supplier: str(r.supplier),
  supplierLot: str(r.supplierLot),
});
const materialRow = (r: Record<string, unknown>): MaterialListing => ({
  material: String(r.material),
  lots: Number(r.lots),
});
const namedRow = (r: Record<string, unknown>): NamedListing => ({ id: String(r.id) });
const customerRow = (r: Record<string, unknown>): CustomerListing => ({
  id: String(r.id),
  shipments: Number(r.shipments),
});
const shipmentRow = (r: Record<string, unknown>): ShipmentListing => ({
  id: String(r.id),
  eventTime: str(r.eventTime),
  customer: str(r.customer),
});
const recallRow = (r: Record<string, unknown>): RecallListing => ({
  id: String(r.id),
  name: String(r.name),
  // Recalls saved before statuses existed are drafts.
  status: (str(r.status) ?? 'draft') as RecallStatus,
  createdAt: String(r.createdAt),
});

/**
 * The listings, the same on both stores: each listing is one list-*.cypher file, its parameters and
 * how a row reads back. An adapter supplies only how a page of rows is fetched.
 */
export abstract class Listing implements ListingStore {
  protected abstract rows(
    name: string,
    params: Record<string, unknown>,
    fill?: Record<string, string>,
  ): Promise<Record<string, unknown>[]>;

  private async page<T>(
    name: string,
    params: { limit: number } & Record<string, unknown>,
    first: number,
    row: (r: Record<string, unknown>) => T,
    fill?: Record<string, string>,
  ): Promise<Listed<T>> {
    return listed(await this.rows(name, params, fill), first, row);
  }

  listLots(f: LotFilter): Promise<Listed<LotListing>> {
    return this.page('list-lots', lotParams(f), f.first, lotRow);
  }
  listMaterials(f: ListPage): Promise<Listed<MaterialListing>> {
    return this.page('list-materials', pageParams(f), f.first, materialRow);
  }
  listEquipment(f: ListPage): Promise<Listed<NamedListing>> {
    return this.page('list-named', pageParams(f), f.first, namedRow, { Label: NAMED_LISTINGS.equipment });
  }
  listOperators(f: ListPage): Promise<Listed<NamedListing>> {
    return this.page('list-named', pageParams(f), f.first, namedRow, { Label: NAMED_LISTINGS.operators });
  }
  listCustomers(f: ListPage): Promise<Listed<CustomerListing>> {
    return this.page('list-customers', pageParams(f), f.first, customerRow);
  }
  listShipments(f: ShipmentFilter): Promise<Listed<ShipmentListing>> {
    return this.page('list-shipments', shipmentParams(f), f.first, shipmentRow);
  }
  listRecallPage(f: RecallFilter): Promise<Listed<RecallListing>> {
    return this.page('list-recalls', recallParams(f), f.first, recallRow);
  }
}
