/** Listings on the embedded store (list-*.cypher): keyset pages in id order. */
import { Listing } from '../listing.ts';
import { query } from '../queries.ts';
import type { KuzuConnection, Params } from './connection.ts';

export class KuzuListing extends Listing {
  constructor(private readonly db: KuzuConnection) {
    super();
  }

  protected rows(name: string, params: Params, fill?: Record<string, string>): Promise<Record<string, unknown>[]> {
    return this.db.exclusive(() => this.db.run(query('kuzu', name, fill), params));
  }
}
