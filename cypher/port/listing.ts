/**
 * Finding ids: what the graph holds, listed by id (or name) prefix in id order, a page at a time
 * (`after` is the last key of the previous page). The GraphQL listing fields (api/schema/listing.ts)
 * and `tracegraph ls` read these.
 */
import type { RecallStatus } from './recall.ts';

export interface ListPage {
  /** Only keys starting with this (case-sensitive, as ids are); '' or undefined: all. */
  prefix?: string;
  /** Only keys after this one (the last key of the previous page). */
  after?: string;
  /** Page size. */
  first: number;
}

export interface LotFilter extends ListPage {
  /** Case-insensitive part of the lot's material, supplier or supplier lot number. */
  material?: string;
  supplier?: string;
  supplierLot?: string;
}

export interface ShipmentFilter extends ListPage {
  /** Only shipments to this customer (its exact id). */
  customer?: string;
}

export interface RecallFilter extends ListPage {
  status?: RecallStatus;
}

export interface LotListing {
  id: string;
  material: string | null;
  qty: number | null;
  uom: string | null;
  supplier: string | null;
  supplierLot: string | null;
}

export interface MaterialListing {
  material: string;
  /** Lots of this material. */
  lots: number;
}

export interface NamedListing {
  id: string;
}

export interface CustomerListing {
  id: string;
  /** Shipments to this customer. */
  shipments: number;
}

export interface ShipmentListing {
  id: string;
  eventTime: string | null;
  customer: string | null;
}

export interface RecallListing {
  id: string;
  name: string;
  status: RecallStatus;
  createdAt: string;
}

/** One page, in key order; `hasNextPage` when more keys follow the last one. */
export interface Listed<T> {
  nodes: T[];
  hasNextPage: boolean;
}

export interface ListingStore {
  listLots(filter: LotFilter): Promise<Listed<LotListing>>;
  listMaterials(filter: ListPage): Promise<Listed<MaterialListing>>;
  listEquipment(filter: ListPage): Promise<Listed<NamedListing>>;
  listOperators(filter: ListPage): Promise<Listed<NamedListing>>;
  listCustomers(filter: ListPage): Promise<Listed<CustomerListing>>;
  listShipments(filter: ShipmentFilter): Promise<Listed<ShipmentListing>>;
  listRecallPage(filter: RecallFilter): Promise<Listed<RecallListing>>;
}
