/** What the commands share: the --data option and opening the configured store around a job. */
import { InvalidArgumentError, Option } from 'commander';
import { TracegraphError } from '../core/errors.ts';
import { loadConfig, type Config } from '../core/config.ts';
import { openStore } from '../cypher/open-store.ts';
import type { GraphStore } from '../cypher/port.ts';
import { progressBar } from '../core/progress.ts';

export const dataOption = () => new Option('--data <dir>', 'embedded graph directory (env TRACEGRAPH_DATA, default ./data)');
export const jsonOption = () => new Option('--json', 'print the result as JSON on stdout');

/** Flag parsers every command shares. */
export const positiveInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive whole number');
  return n;
};

export const nonNegativeInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number, 0 or more');
  return n;
};

export function portNumber(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new TracegraphError('BAD_INPUT', `a port must be a whole number from 0 to 65535, got ${JSON.stringify(v)}`);
  return n;
}

export async function withStore<T>(
  opts: { data?: string; mqttUrl?: string; opcuaConfig?: string },
  job: (store: GraphStore, config: Config) => Promise<T>,
): Promise<T> {
  const config = loadConfig({ dataDir: opts.data, mqttUrl: opts.mqttUrl, opcuaConfig: opts.opcuaConfig });
  // A bar only when opening is slow (a large embedded graph rebuilding its trace index).
  const started = Date.now();
  let bar: ReturnType<typeof progressBar> | undefined;
  const store = await openStore(config, {
    onProgress: (step, steps, what) => {
      if (!bar && Date.now() - started < 1000) return;
      bar ??= progressBar('loading the trace index', steps);
      bar.update(step, { read: what });
    },
  });
  bar?.stop();
  try {
    return await job(store, config);
  } finally {
    await store.close();
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
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
