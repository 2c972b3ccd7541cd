/**
 * A large EPCIS capture against a running `tracegraph serve`, watched from outside as a load
 * balancer and a user would watch it: /healthz every 20 ms, a GraphQL query every 500 ms, and the
 * server's own /metrics (event-loop delay, resident memory) every 250 ms, from the moment the
 * document is posted until its capture job has finished. The server runs in its own process, so
 * what is timed is the server's event loop, not the client's.
 *
 * The bench section `capture` (issue 17: /healthz within 200 ms throughout a 50 MB capture) and
 * test/epcis/capture-load.test.ts use the same code.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CLI_SCRIPT } from '../core/install-root.ts';
import { largeJsonCapture, largeXmlCapture } from './large-capture.ts';
import { median, percentiles, type Percentiles } from './stats.ts';

export interface ServeProcess {
  /** e.g. http://127.0.0.1:41234 */
  base: string;
  pid: number;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/** Starts `tracegraph serve` on a free port over `dataDir`, with `devKey` as its admin key. */
export function startServe(dataDir: string, devKey: string, timeoutMs = 180_000): Promise<ServeProcess> {
  const env = { ...process.env, TRACEGRAPH_DATA: dataDir, TRACEGRAPH_DEV_KEY: devKey, TRACEGRAPH_NEO4J_URI: '' };
  const child = spawn(process.execPath, [CLI_SCRIPT, 'serve', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tracegraph serve did not start in ${timeoutMs / 1000} s: ${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => reject(new Error(`tracegraph serve ended (${code}) before it listened: ${stderr}`)));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const url = /GraphQL API at (http:\/\/\S+)\/graphql/.exec(stdout)?.[1];
      if (!url) return;
      clearTimeout(timer);
      resolve({
        base: url,
        pid: child.pid!,
        async stop() {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

export interface CaptureFigures {
  mib: number;
  events: number;
  /** From the POST to the job's end. */
  seconds: number;
  healthz: Percentiles;
  graphql: Percentiles;
  /** The server's longest event-loop delay while the capture ran (its /metrics). */
  loopDelayMaxMs: number;
  /** The server's resident memory: its peak during the capture less what it was before. */
  rssGrowthMb: number;
  /** The job as the server finally reported it. */
  job: Record<string, unknown>;
  /** Answers that were not 200 and ok. */
  failures: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One sample from the Prometheus text: the value of `name` (unlabelled). */
function metric(text: string, name: string): number {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

/**
 * The client that posts the document and polls its job runs on its own thread: sending 50 MB
 * holds a thread's event loop for a while, and the /healthz timings must be the server's alone.
 */
const UPLOADER = `
const { parentPort, workerData } = require('node:worker_threads');
parentPort.once('message', async ({ url, headers }) => {
  try {
    const res = await fetch(url, { method: 'POST', headers, body: workerData.body });
    if (res.status !== 202) throw new Error('capture answered ' + res.status + ': ' + (await res.text()));
    const job = new URL(res.headers.get('location'), url).href;
    for (;;) {
      const answer = await (await fetch(job, { headers: { authorization: headers.authorization } })).json();
      if (!answer.running) return parentPort.postMessage({ job: answer });
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (e) {
    parentPort.postMessage({ error: String(e) });
  }
});
parentPort.postMessage('ready');
`;

async function startUploader(body: Buffer): Promise<Worker> {
  const worker = new Worker(UPLOADER, { eval: true, workerData: { body } });
  await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return worker;
}

function postAndWait(
  uploader: Worker,
  url: string,
  auth: Record<string, string>,
  contentType: string,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    uploader.once('message', (m: { job?: Record<string, unknown>; error?: string }) =>
      m.job ? resolve(m.job) : reject(new Error(m.error)),
    );
    uploader.once('error', reject);
    uploader.postMessage({ url, headers: { ...auth, 'content-type': contentType } });
  });
}

/**
 * Posts `body` as a capture and watches the server until the job has finished. `unit` is an id the
 * GraphQL query asks for (`unit(id:)`), so that each query reads the graph the capture writes.
 */
export async function captureWhileWatched(
  base: string,
  key: string,
  body: Buffer,
  contentType: string,
  unit: string,
): Promise<CaptureFigures> {
  const auth = { authorization: `Bearer ${key}` };
  const uploader = await startUploader(body);
  const failures: string[] = [];
  const healthz: number[] = [];
  const graphql: number[] = [];
  const scrape = async () => {
    const text = await (await fetch(`${base}/metrics`, { headers: auth })).text();
    return {
      rss: metric(text, 'tracegraph_process_resident_memory_bytes'),
      loopMax: metric(text, 'tracegraph_nodejs_eventloop_lag_max_seconds'),
    };
  };
  // Scraping resets the server's event-loop histogram: the first scrape starts the window.
  const before = await scrape();
  let rssMax = before.rss;
  let loopMax = 0;
  let stopped = false;
  const every = async (ms: number, fn: () => Promise<void>) => {
    while (!stopped) {
      await fn();
      await sleep(ms);
    }
  };
  const watchers = Promise.all([
    every(20, async () => {
      const t = performance.now();
      const res = await fetch(`${base}/healthz`);
      const answer = (await res.json()) as { status: string };
      healthz.push(performance.now() - t);
      if (res.status !== 200 || answer.status !== 'ok') failures.push(`healthz ${res.status} ${JSON.stringify(answer)}`);
    }),
    every(500, async () => {
      const t = performance.now();
      const res = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ query: `{ unit(id: ${JSON.stringify(unit)}) { id } }` }),
      });
      const answer = (await res.json()) as { errors?: unknown };
      graphql.push(performance.now() - t);
      if (res.status !== 200 || answer.errors) failures.push(`graphql ${res.status} ${JSON.stringify(answer.errors)}`);
    }),
    every(250, async () => {
      const m = await scrape();
      rssMax = Math.max(rssMax, m.rss);
      loopMax = Math.max(loopMax, m.loopMax);
    }),
  ]);
  const started = performance.now();
  let job: Record<string, unknown>;
  try {
    job = await postAndWait(uploader, `${base}/epcis/capture`, auth, contentType);
  } finally {
    stopped = true;
    await watchers;
    await uploader.terminate();
  }
  const last = await scrape();
  return {
    mib: body.length / 2 ** 20,
    events: Number(job.eventCount ?? 0),
    seconds: (performance.now() - started) / 1000,
    healthz: percentiles(healthz),
    graphql: percentiles(graphql),
    loopDelayMaxMs: Math.max(loopMax, last.loopMax) * 1000,
    rssGrowthMb: (Math.max(rssMax, last.rss) - before.rss) / 2 ** 20,
    job,
    failures,
  };
}

/** The two documents of the test: ~50 MB of JSON-LD and ~20 MB of XML, 1,600-character extension per event. */
export const CAPTURE_DOCUMENTS = [
  {
    name: 'JSON-LD',
    contentType: 'application/ld+json',
    events: 25_000,
    make: (prefix: string) => largeJsonCapture(25_000, prefix, 1600),
  },
  {
    name: 'XML',
    contentType: 'application/xml',
    events: 10_000,
    make: (prefix: string) => largeXmlCapture(10_000, prefix, 1600),
  },
] as const;

/** ~50 MB of plain events (no extension): five times the graph work of the first document. */
const MANY_EVENTS = {
  name: 'JSON-LD, plain events',
  contentType: 'application/ld+json',
  events: 125_000,
  make: (prefix: string) => largeJsonCapture(125_000, prefix, 0),
} as const;

/** The first serial a generated document commissions (large-capture.ts numbers them from 0). */
export const firstSerial = (prefix: string) => `urn:epc:id:sgtin:4012345.011111.${prefix}000000000`;

const BENCH_KEY = 'bench-capture-key-0123456789abcdef';
const round = (x: number) => Math.round(x);

/** `bench --sections capture`: each document `runs` times, each run into a fresh server and data directory. */
export async function runCaptureBench(opts: { runs: number }): Promise<void> {
  const rows: string[] = [];
  for (const doc of [...CAPTURE_DOCUMENTS, MANY_EVENTS]) {
    const runs: CaptureFigures[] = [];
    for (let i = 0; i < opts.runs; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'tracegraph-capture-bench-'));
      const server = await startServe(dir, BENCH_KEY);
      try {
        const prefix = `B${i}`;
        const f = await captureWhileWatched(server.base, BENCH_KEY, doc.make(prefix), doc.contentType, firstSerial(prefix));
        if (f.job.success !== true || f.failures.length)
          throw new Error(`capture bench: ${doc.name} run ${i + 1} failed: ${JSON.stringify(f.job.errors ?? f.failures)}`);
        process.stderr.write(
          `capture ${doc.name} run ${i + 1}: ${f.seconds.toFixed(1)} s, /healthz max ${round(f.healthz.max)} ms, loop delay max ${round(f.loopDelayMaxMs)} ms\n`,
        );
        runs.push(f);
      } finally {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    }
    const med = (pick: (f: CaptureFigures) => number) => median(runs.map(pick));
    const worst = (pick: (f: CaptureFigures) => number) => Math.max(...runs.map(pick));
    rows.push(
      `| ${doc.name}, ${runs[0]!.mib.toFixed(1)} MiB, ${doc.events.toLocaleString('en')} events | ${med((f) => f.seconds).toFixed(1)} s | ` +
        `${round(med((f) => f.healthz.p50))} / ${round(med((f) => f.healthz.p99))} / ${round(med((f) => f.healthz.max))} (${round(worst((f) => f.healthz.max))}) ms | ` +
        `${round(med((f) => f.loopDelayMaxMs))} ms | ${round(med((f) => f.graphql.max))} ms | +${round(med((f) => f.rssGrowthMb))} MiB |`,
    );
  }
  process.stdout.write(
    `\nLarge EPCIS captures against \`tracegraph serve\` (embedded store), medians of ${opts.runs} runs (worst run in brackets); target: every /healthz answer within 200 ms\n\n` +
      '| Document | Capture | /healthz p50 / p99 / max | Event-loop delay max | GraphQL max | Server RSS growth |\n' +
      '|---|---|---|---|---|---|\n' +
      rows.join('\n') +
      '\n',
  );
}
