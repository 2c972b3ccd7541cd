/** A real API server for the security tests: embedded store, temp data directory, the dev key. */
import { createApiServer, type ApiServer, type ApiServerOptions } from '../../api/server.ts';
import { KuzuStore } from '../../cypher/kuzu/adapter.ts';
import type { GraphStore } from '../../cypher/port.ts';
import { DEV_KEY } from '../api/client.ts';
import { tempDir } from '../helpers/stores.ts';

export interface TestApi {
  server: ApiServer;
  /** http://127.0.0.1:PORT */
  base: string;
  store: GraphStore;
  dataDir: string;
  close(): Promise<void>;
}

export async function startApi(opts: Partial<Omit<ApiServerOptions, 'store' | 'port'>> = {}): Promise<TestApi> {
  const dataDir = opts.dataDir ?? tempDir('tracegraph-sec-');
  const store = await KuzuStore.open({ dataDir, bufferMb: 64 });
  const server = await createApiServer({ devKey: DEV_KEY, ...opts, store, port: 0, dataDir });
  return {
    server,
    base: server.url.replace(/\/graphql$/, ''),
    store,
    dataDir,
    async close() {
      await server.close();
      await store.close();
    },
  };
}
