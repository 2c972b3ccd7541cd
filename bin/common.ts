/** What the command implementations share: opening the configured store around a job, and stopping on a signal. */
import { loadConfig, type Config } from '../core/config.ts';
import { isTracegraphError, TracegraphError } from '../core/errors.ts';
import { openStore } from '../cypher/open-store.ts';
import type { GraphStore } from '../cypher/port.ts';
import { progressBar } from '../core/progress.ts';
import { runningServer, ServerUnreachable, type RemoteServer } from './remote.ts';

export async function withStore<T>(
  opts: { data?: string; mqttUrl?: string; opcuaConfig?: string },
  job: (store: GraphStore, config: Config) => Promise<T>,
): Promise<T> {
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
  return new TracegraphError(
    'STORE_UNAVAILABLE',
    `the embedded graph in ${config.dataDir} is held by the tracegraph server at ${server.url} (pid ${server.info.pid}), and this command writes or reads the graph directly; beside it, \`trace\`, \`stats\`, \`ls\` and \`user\` work, and events go in over its API (POST /epcis/capture) or MQTT`,
    { cause: e },
  );
}

/**
 * Runs `local` on the opened store, or, when a running `tracegraph serve` or demo holds this data
 * directory's embedded graph, `remote` against that server (bin/remote.ts): the same answer either
 * way. A server file whose server does not answer is ignored (the graph is then opened here).
 */
export async function withGraph<T>(
  opts: { data?: string },
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
