/** The API on a free loopback port over a backend's store, with the events a test needs, and its closing. */
import { createApiServer, type ApiServer } from '../../api/server.ts';
import type { CanonicalEvent } from '../../core/events.ts';
import type { GraphStore } from '../../cypher/port.ts';
import { DEV_KEY } from '../api/client.ts';
import { tempDir, type Backend } from './stores.ts';

export interface TestApi {
  /** http://127.0.0.1:PORT/graphql */
  url: string;
  /** An admin key the server accepts (`devKey`). */
  key: string;
  store: GraphStore;
  dataDir: string;
  server: ApiServer;
  /** Stops the server and releases the backend (its lock, its temp directories). */
  close(): Promise<void>;
}

/** Opens the backend's store, writes `events` to it and serves it with the dev key. */
export async function startApiServer(backend: Backend, o: { events?: readonly CanonicalEvent[] } = {}): Promise<TestApi> {
  try {
    const store = await backend.open();
    if (o.events) await store.applyEvents(o.events);
    const dataDir = tempDir();
    const server = await createApiServer({ store, port: 0, dataDir, devKey: DEV_KEY });
    return {
      url: server.url,
      key: DEV_KEY,
      store,
      dataDir,
      server,
      close: async () => {
        await server.close();
        await backend.release();
      },
    };
  } catch (e) {
    await backend.release();
    throw e;
  }
}
