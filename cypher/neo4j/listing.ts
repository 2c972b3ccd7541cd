/** Listings on Neo4j (list-*.cypher): keyset pages in id order. */
import neo4j from 'neo4j-driver';
import { Listing } from '../listing.ts';
import { query } from '../queries.ts';
import type { Neo4jConnection, Params } from './connection.ts';

export class Neo4jListing extends Listing {
  constructor(private readonly conn: Neo4jConnection) {
    super();
  }

  protected rows(name: string, params: Params, fill?: Record<string, string>): Promise<Record<string, unknown>[]> {
    // LIMIT takes an integer: JavaScript numbers travel as floats.
    return this.conn.rows(query('neo4j', name, fill), { ...params, limit: neo4j.int(Number(params.limit)) });
  }
}
