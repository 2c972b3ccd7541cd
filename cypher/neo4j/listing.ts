/** Listings on the Neo4j (list-*.cypher): keyset pages in id order. */
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
import neo4j from 'neo4j-driver';
import type { Neo4jConnection, Params } from './connection.ts';

export class Neo4jListing implements ListingStore {
  constructor(private readonly conn: Neo4jConnection) {}

  private page<T>(
    name: string,
    params: Params,
    first: number,
    row: (r: Record<string, unknown>) => T,
    fill?: Record<string, string>,
  ): Promise<Listed<T>> {
    // LIMIT takes an integer: JavaScript numbers travel as floats.
    const withInt = { ...params, limit: neo4j.int(Number(params.limit)) };
    return this.conn.rows(query('neo4j', name, fill), withInt).then((rows) => listed(rows, first, row));
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
