/**
 * `npm run bench`: one synthetic plant loaded into every store in the same run, then the same
 * traces timed on each. Medians and ratios, measured side by side (absolute times on shared
 * machines drift; ratios much less).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { KuzuStore } from '../cypher/kuzu/adapter.ts';
import { Neo4jStore } from '../cypher/neo4j/adapter.ts';
import type { TraceResult } from '../cypher/port.ts';
import { generatePlant, typicalSupplierLots, typicalUnits, type PlantOptions } from '../ingest/seed/plant.ts';
import { loadPostgres, startPostgres, traceBackwardPg, traceForwardPg } from './postgres.ts';
import { neo4jAvailability, startNeo4j } from './neo4j/server.ts';
import { loadStore, openPlant, plantEvents } from './plant.ts';
import { benchGenealogy, reportGenealogy, type GenealogyBenchRow } from './genealogy.ts';
import { benchRecall, reportRecall, type RecallBenchResult } from './recall.ts';
import { median } from './stats.ts';

export interface BenchOptions {
  units: number;
  runs: number;
  stores: string[];
  out?: string;
  /** Where loaded plants are kept between runs (bench/plant.ts); none: loaded every run. */
  plantCache?: string;
  /** Genealogies built the per-item Cypher way for comparison (minutes each at 1,000,000 units; 0: none). */
  genealogyBaselineRuns?: number;
  /** recallScope under concurrent HTTP load on the embedded store (0 clients: skipped). */
  recallClients?: number;
  recallRequests?: number;
}

interface Row {
  store: string;
  loadSeconds: number | null;
  forwardMs: number;
  backwardMs: number;
  forwardItems: number;
  backwardItems: number;
  note?: string;
}

/** traceQuantities or traceEvents on the embedded store: from memory against one Kuzu query per operation or item. */
interface CallRow {
  call: 'traceQuantities' | 'traceEvents';
  forwardMs: number;
  backwardMs: number;
  cypherForwardMs: number;
  cypherBackwardMs: number;
  /** Flow rows or events per call (forward / backward). */
  forwardRows: number;
  backwardRows: number;
  /** Both ways gave the same answers for every id timed. */
  same: boolean;
}

/** The per-query baseline takes seconds per call on a large plant: it is timed this many times at most. */
const CYPHER_RUNS = 5;

const size = (t: TraceResult) => t.lots.length + t.units.length + t.containers.length;

/** Times `trace` once per id (after one untimed warm-up pass), returning the median in ms. */
async function timeTraces(ids: string[], runs: number, trace: (id: string) => Promise<TraceResult>) {
  for (const id of ids.slice(0, 3)) await trace(id);
  const times: number[] = [];
  let items = 0;
  for (let i = 0; i < runs; i++) {
    const id = ids[i % ids.length]!;
    const t0 = performance.now();
    const r = await trace(id);
    times.push(performance.now() - t0);
    items += size(r);
  }
  return { ms: median(times), items: Math.round(items / runs) };
}

/** Times `fast` `runs` times and `slow` up to CYPHER_RUNS times over the same ids (one untimed call each first). */
async function timeCalls<T>(
  ids: string[],
  runs: number,
  fast: (id: string) => Promise<T>,
  slow: (id: string) => Promise<T>,
  rows: (r: T) => number,
) {
  await fast(ids[0]!);
  await slow(ids[0]!);
  const fastMs: number[] = [];
  const slowMs: number[] = [];
  let same = true;
  let count = 0;
  for (let i = 0; i < runs; i++) {
    const id = ids[i % ids.length]!;
    let t0 = performance.now();
    const a = await fast(id);
    fastMs.push(performance.now() - t0);
    count += rows(a);
    if (i >= CYPHER_RUNS) continue;
    t0 = performance.now();
    const b = await slow(id);
    slowMs.push(performance.now() - t0);
    same &&= isDeepStrictEqual(a, b);
  }
  return { ms: median(fastMs), cypherMs: median(slowMs), rows: Math.round(count / runs), same };
}

function log(line: string) {
  process.stderr.write(line + '\n');
}

export async function runBench(opts: BenchOptions): Promise<Row[]> {
  const plant: PlantOptions = { units: opts.units, seed: 1 };
  log(`bench: ${opts.units.toLocaleString('en')}-unit plant, ${opts.runs} traces per figure, stores ${opts.stores.join(', ')}`);
  const t0 = performance.now();
  let expected = 0;
  for (const _ of generatePlant(plant)) expected++;
  log(`bench: ${expected} events generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const lots = typicalSupplierLots(plant, Math.max(opts.runs, 5));
  const units = typicalUnits(plant, Math.max(opts.runs, 5));
  const rows: Row[] = [];
  const calls: CallRow[] = [];
  let genealogy: GenealogyBenchRow[] = [];
  let recall: RecallBenchResult | undefined;
  const recallOpts = { clients: opts.recallClients ?? 20, requests: opts.recallRequests ?? 200 };
  const work = mkdtempSync(join(tmpdir(), 'tracegraph-bench-'));
  try {
    if (opts.stores.includes('kuzu'))
      rows.push(
        ...(await benchKuzu(work, plant, opts.plantCache, lots, units, opts.runs, async (store) => {
          calls.push(...(await benchCalls(store, lots, units, opts.runs)));
          log('kuzu: timing genealogy');
          genealogy = await benchGenealogy(store, lots, units, opts.runs, opts.genealogyBaselineRuns);
          if (recallOpts.clients > 0) recall = await benchRecall(store, typicalSupplierLots(plant, 50), recallOpts);
        })),
      );
    if (opts.stores.includes('neo4j')) {
      const r = await benchNeo4j(work, plant, expected, lots, units, opts.runs);
      if (r) rows.push(r);
    }
    if (opts.stores.includes('postgres')) rows.push(await benchPostgres(plant, lots, units, opts.runs));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  report(rows, opts);
  if (calls.length) process.stdout.write(`\n${reportCalls(calls, opts)}\n`);
  if (genealogy.length)
    process.stdout.write(`\n${reportGenealogy(genealogy, opts.units, opts.runs, opts.genealogyBaselineRuns)}\n`);
  if (recall) process.stdout.write(`\n${reportRecall(recall, opts.units)}\n`);
  if (opts.out)
    writeFileSync(opts.out, JSON.stringify({ units: opts.units, runs: opts.runs, rows, calls, genealogy, recall }, null, 2));
  return rows;
}

async function benchKuzu(
  work: string,
  plant: PlantOptions,
  cache: string | undefined,
  lots: string[],
  units: string[],
  runs: number,
  andThen: (store: KuzuStore) => Promise<void>,
) {
  const { store, loadSeconds: load, openSeconds: reopen } = await openPlant(join(work, 'kuzu'), plant, { cache });
  log(`kuzu: reopened (trace index rebuilt from the graph) in ${reopen.toFixed(1)} s`);
  const fwd = await timeTraces(lots, runs, (id) => store.traceForward([id]));
  const back = await timeTraces(units, runs, (id) => store.traceBackward([id]));
  const cfwd = await timeTraces(lots, runs, (id) => store.traceInCypher([id], 'forward'));
  const cback = await timeTraces(units, runs, (id) => store.traceInCypher([id], 'backward'));
  await andThen(store);
  await store.close();
  return [
    {
      store: 'kuzu (index)',
      loadSeconds: load,
      forwardMs: fwd.ms,
      backwardMs: back.ms,
      forwardItems: fwd.items,
      backwardItems: back.items,
      note: `index rebuilt in ${reopen.toFixed(1)} s at open`,
    },
    {
      store: 'kuzu (cypher)',
      loadSeconds: null,
      forwardMs: cfwd.ms,
      backwardMs: cback.ms,
      forwardItems: cfwd.items,
      backwardItems: cback.items,
      note: '* SHORTEST query',
    },
  ];
}

/** traceQuantities and traceEvents forward from supplier lots and backward from units, both ways. */
async function benchCalls(store: KuzuStore, lots: string[], units: string[], runs: number): Promise<CallRow[]> {
  const out: CallRow[] = [];
  const q = (t: { flows: unknown[] }) => t.flows.length;
  const e = (t: string[]) => t.length;
  const figures = async <T>(
    call: CallRow['call'],
    fast: (id: string, d: 'forward' | 'backward') => Promise<T>,
    slow: (id: string, d: 'forward' | 'backward') => Promise<T>,
    rows: (r: T) => number,
  ) => {
    log(`kuzu: timing ${call}`);
    const fwd = await timeCalls(
      lots,
      runs,
      (id) => fast(id, 'forward'),
      (id) => slow(id, 'forward'),
      rows,
    );
    const back = await timeCalls(
      units,
      runs,
      (id) => fast(id, 'backward'),
      (id) => slow(id, 'backward'),
      rows,
    );
    out.push({
      call,
      forwardMs: fwd.ms,
      backwardMs: back.ms,
      cypherForwardMs: fwd.cypherMs,
      cypherBackwardMs: back.cypherMs,
      forwardRows: fwd.rows,
      backwardRows: back.rows,
      same: fwd.same && back.same,
    });
  };
  await figures(
    'traceQuantities',
    (id, d) => store.traceQuantities([id], d),
    (id, d) => store.traceQuantitiesInCypher([id], d),
    q,
  );
  await figures(
    'traceEvents',
    (id, d) => store.traceEvents([id], d),
    (id, d) => store.traceEventsInCypher([id], d),
    e,
  );
  return out;
}

async function benchNeo4j(
  work: string,
  plant: PlantOptions,
  expected: number,
  lots: string[],
  units: string[],
  runs: number,
): Promise<Row | undefined> {
  const avail = await neo4jAvailability();
  if (!avail.ok) {
    log(`neo4j: skipped: ${avail.why}`);
    return undefined;
  }
  const server = await startNeo4j({
    dataDir: join(work, 'neo4j'),
    heap: process.env.NEO4J_HEAP ?? '2g',
    pagecache: process.env.NEO4J_PAGECACHE ?? '2g',
  });
  try {
    const store = await Neo4jStore.open({ uri: server.uri, timeoutMs: 600_000 });
    const load = await loadStore('neo4j', store, plant, expected);
    const fwd = await timeTraces(lots, runs, (id) => store.traceForward([id]));
    const back = await timeTraces(units, runs, (id) => store.traceBackward([id]));
    await store.close();
    return {
      store: 'neo4j',
      loadSeconds: load,
      forwardMs: fwd.ms,
      backwardMs: back.ms,
      forwardItems: fwd.items,
      backwardItems: back.items,
      note: 'VarLengthExpand(Pruning,BFS)',
    };
  } finally {
    await server.stop();
  }
}

async function benchPostgres(plant: PlantOptions, lots: string[], units: string[], runs: number): Promise<Row> {
  const pg = await startPostgres();
  try {
    const t0 = performance.now();
    await loadPostgres(pg.client, plantEvents(plant));
    const load = (performance.now() - t0) / 1000;
    log(`postgres: loaded in ${load.toFixed(1)} s`);
    const fwd = await timeTraces(lots, runs, (id) => traceForwardPg(pg.client, [id]));
    const back = await timeTraces(units, runs, (id) => traceBackwardPg(pg.client, [id]));
    return {
      store: 'postgres',
      loadSeconds: load,
      forwardMs: fwd.ms,
      backwardMs: back.ms,
      forwardItems: fwd.items,
      backwardItems: back.items,
      note: 'recursive CTE, UNION',
    };
  } finally {
    await pg.stop();
  }
}

function report(rows: Row[], opts: BenchOptions) {
  const pg = rows.find((r) => r.store === 'postgres');
  const ratio = (a: number, b?: number) => (b ? `${(b / a).toFixed(1)}x` : '-');
  const lines = [
    `| store | load (s) | forward median (ms) | backward median (ms) | forward vs PostgreSQL | backward vs PostgreSQL | items per trace (fwd/back) |`,
    `|---|---|---|---|---|---|---|`,
    ...rows.map(
      (r) =>
        `| ${r.store} | ${r.loadSeconds === null ? '-' : r.loadSeconds.toFixed(1)} | ${r.forwardMs.toFixed(2)} | ${r.backwardMs.toFixed(2)} | ${ratio(r.forwardMs, pg?.forwardMs)} | ${ratio(r.backwardMs, pg?.backwardMs)} | ${r.forwardItems} / ${r.backwardItems} |`,
    ),
  ];
  process.stdout.write(
    `\nTraces on a ${opts.units.toLocaleString('en')}-unit plant (median of ${opts.runs}; "vs PostgreSQL" > 1x means faster)\n\n${lines.join('\n')}\n`,
  );
}

function reportCalls(calls: CallRow[], opts: BenchOptions): string {
  const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(0));
  const lines = [
    `| call | from memory: forward / backward (ms) | one Kuzu query per operation or item: forward / backward (ms) | speed-up forward | rows per call (fwd/back) | same answers |`,
    `|---|---|---|---|---|---|`,
    ...calls.map(
      (c) =>
        `| ${c.call} | ${ms(c.forwardMs)} / ${ms(c.backwardMs)} | ${ms(c.cypherForwardMs)} / ${ms(c.cypherBackwardMs)} | ${(c.cypherForwardMs / c.forwardMs).toFixed(0)}x | ${c.forwardRows} / ${c.backwardRows} | ${c.same ? 'yes' : 'NO'} |`,
    ),
  ];
  const cypherRuns = Math.min(opts.runs, CYPHER_RUNS);
  return `Trace quantities and events on the embedded store, ${opts.units.toLocaleString('en')}-unit plant, forward from supplier lots and backward from units (medians of ${opts.runs} from memory and ${cypherRuns} per query)\n\n${lines.join('\n')}`;
}
