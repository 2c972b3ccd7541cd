/** Picks the backend from the configuration: Neo4j when a URI is set, else the embedded store. */
import type { Config } from '../core/config.ts';
import { KuzuStore, type KuzuOptions } from './kuzu/adapter.ts';
import { Neo4jStore } from './neo4j/adapter.ts';
import type { GraphStore } from './port.ts';

export async function openStore(config: Config, opts: { onProgress?: KuzuOptions['onProgress'] } = {}): Promise<GraphStore> {
  if (config.neo4j) return Neo4jStore.open(config.neo4j);
  return KuzuStore.open({ dataDir: config.dataDir, bufferMb: config.kuzuBufferMb, onProgress: opts.onProgress });
}

/** Where the graph lives, for messages: `neo4j bolt://...` or `embedded ./data`. */
export function describeStore(config: Config): string {
  return config.neo4j ? `neo4j ${config.neo4j.uri}` : `embedded ${config.dataDir}`;
}
