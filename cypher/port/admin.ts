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
  close(): Promise<void>;
}
