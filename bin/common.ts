/** What the command implementations share: opening the configured store around a job, and stopping on a signal. */
import { loadConfig, type Config } from '../core/config.ts';
import { isTracegraphError } from '../core/errors.ts';
import { openStore } from '../cypher/open-store.ts';
import type { GraphStore } from '../cypher/port.ts';
import { progressBar } from '../core/progress.ts';
import { HeldByServer, runningServer, ServerUnreachable, type RemoteServer } from './remote.ts';

/** Where the store is, and the settings a command may override on the command line. */
export type StoreFlags = { data?: string; mqttUrl?: string; opcuaConfig?: string };

export async function withStore<T>(opts: StoreFlags, job: (store: GraphStore, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig({ dataDir: opts.data, mqttUrl: opts.mqttUrl, opcuaConfig: opts.opcuaConfig });
  // A bar only when opening is slow (a large embedded graph rebuilding its trace index).
  const started = Date.now();
  let bar: ReturnType<typeof progressBar> | undefined;
  let store: GraphStore;
  try {
    store = await openStore(config, {
      onProgress: (step, steps, what) => {
        if (!bar && Date.now() - started < 1000) return;
        bar ??= progressBar('loading the trace index', steps);
        bar.update(step, { read: what });
      },
    });
  } catch (e) {
    throw heldByServer(e, config);
  }
  bar?.stop();
  try {
    return await job(store, config);
  } finally {
    await store.close();
  }
}

/** A store that would not open because a running server holds it: say which, and what works beside it. */
function heldByServer(e: unknown, config: Config): unknown {
  const server =
    !config.neo4j && isTracegraphError(e) && e.code === 'STORE_UNAVAILABLE' ? runningServer(config.dataDir) : undefined;
  if (!server) return e;
  return new HeldByServer(`${heldBy(server, config)}, and this command needs the graph to itself; beside it, ${WORKS_BESIDE}`, {
    cause: e,
  });
}

/** What works beside a running server (docs/operations.md, "The CLI beside a running server"). */
const WORKS_BESIDE =
  '`trace`, `stats`, `ls`, `import epcis`, `report` and `user` work (they ask the server), and events go in over its API (POST /epcis/capture) or MQTT';

/** "the embedded graph in DIR is held by the tracegraph server at URL (pid N)" */
export function heldBy(server: RemoteServer, config: Config): string {
  return `the embedded graph in ${config.dataDir} is held by the tracegraph server at ${server.url} (pid ${server.info.pid})`;
}

/**
 * Runs `local` on the opened store, or, when a running `tracegraph serve` or demo holds this data
 * directory's embedded graph, `remote` against that server (bin/remote.ts): the same answer either
 * way. A server file whose server does not answer is ignored (the graph is then opened here).
 */
export async function withGraph<T>(
  opts: StoreFlags,
  local: (store: GraphStore, config: Config) => Promise<T>,
  remote: (server: RemoteServer, config: Config) => Promise<T>,
): Promise<T> {
  const config = loadConfig({ dataDir: opts.data });
  const server = config.neo4j ? undefined : runningServer(config.dataDir);
  if (server) {
    try {
      const r = await remote(server, config);
      return r;
    } catch (e) {
      if (!(e instanceof ServerUnreachable)) throw e;
    }
  }
  return withStore(opts, local);
}

/** Resolves on the first SIGINT or SIGTERM (a second one falls back to Node's default: exit now). */
export function shutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (s: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(s);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}
