/** The part of the port every store has for running it: which backend, counts, liveness, shutdown. */

export interface StoreStats {
  backend: 'kuzu' | 'neo4j';
  events: number;
  nodes: Record<string, number>;
  relationships: Record<string, number>;
}

export interface AdminStore {
  readonly backend: 'kuzu' | 'neo4j';
  stats(): Promise<StoreStats>;
  /** Cheap liveness check (health probes): resolves when the store answers a trivial query. */
  ping(): Promise<void>;
  /**
   * Reads into memory what the first genealogy or trace's events would otherwise wait for (the
   * embedded store's operation cache, inspection index and mention index: seconds at 1,000,000
   * units). A server calls it once at
   * start, so its first user does not pay for it; a store that keeps nothing in memory resolves.
   */
  warmUp(): Promise<void>;
  close(): Promise<void>;
}
