/** Listings on the embedded store (list-*.cypher): keyset pages in id order. */
import {
  customerRow,
  listed,
  lotParams,
  lotRow,
  materialRow,
  NAMED_LISTINGS,
  namedRow,
  pageParams,
  recallParams,
  recallRow,
  shipmentParams,
  shipmentRow,
} from '../listing.ts';
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
  ShipmentFilter,
  ShipmentListing,
} from '../port.ts';
import { query } from '../queries.ts';
import type { KuzuConnection, Params } from './connection.ts';

export class KuzuListing implements ListingStore {
  constructor(private readonly db: KuzuConnection) {}

  private page<T>(
    name: string,
    params: Params,
    first: number,
    row: (r: Record<string, unknown>) => T,
    fill?: Record<string, string>,
  ): Promise<Listed<T>> {
    return this.db.exclusive(async () => listed(await this.db.run(query('kuzu', name, fill), params), first, row));
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
