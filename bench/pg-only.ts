/**
 * PostgreSQL alone on the synthetic plant: how long generating, loading and tracing take.
 * A dev tool for checking the PostgreSQL figures of docs/performance.md, not part of `tracegraph bench`.
 *
 *   npx tsx bench/pg-only.ts [--units 1000000] [--seed 1] [--runs 20]
 */
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { CanonicalEvent, type CanonicalEventInput } from '../core/events.ts';
import { generatePlant, plantShape, typicalSupplierLots, typicalUnits } from '../ingest/seed/plant.ts';
import { loadPostgres, startPostgres, traceBackwardPg, traceForwardPg } from './postgres.ts';
import type { TraceResult } from '../cypher/port.ts';

const { values } = parseArgs({
  options: {
    units: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '1' },
    runs: { type: 'string', default: '20' },
  },
});
const opts = { units: Number(values.units), seed: Number(values.seed) };
const runs = Number(values.runs);
const ms = (t: number) => `${t.toFixed(t < 10 ? 2 : 0)} ms`;

function timeIt<T>(f: () => T): [T, number] {
  const t = performance.now();
  const r = f();
  return [r, performance.now() - t];
}

const [events, genMs] = timeIt(() => {
  let n = 0;
  for (const _ of generatePlant(opts)) n++;
  return n;
});
console.log(`plant: ${JSON.stringify(plantShape(opts.units))}`);
console.log(`generate ${events} events: ${ms(genMs)}`);
const [, parseMs] = timeIt(() => {
  for (const e of generatePlant(opts)) CanonicalEvent.parse(e);
});
console.log(`generate + CanonicalEvent.parse: ${ms(parseMs)}`);

function* parsed(source: Iterable<CanonicalEventInput>): Generator<CanonicalEvent> {
  for (const e of source) yield CanonicalEvent.parse(e);
}

const server = await startPostgres();
try {
  const bar = new cliProgress.SingleBar({ format: 'load [{bar}] {value}/{total} events' }, cliProgress.Presets.shades_classic);
  bar.start(events, 0);
  const stats = await loadPostgres(server.client, parsed(generatePlant(opts)), (n) => bar.update(n));
  bar.stop();
  const p = stats.phases;
  console.log(
    `load: ${ms(stats.ms)} (generate + parse + CSV ${ms(p.readMs)}, COPY ${ms(p.copyMs)}, ` +
      `keys and indexes ${ms(p.indexMs)}, VACUUM ANALYZE ${ms(p.vacuumMs)}); ` +
      `${stats.items} items, ${stats.flows} flow edges, ${stats.shipped} shipped rows`,
  );

  // The reach alone, counted in the server: what the Kuzu/PostgreSQL comparison counts (no keys, no shipments).
  const countReach = (from: string, to: string) => async (client: typeof server.client, ids: readonly string[]) => {
    const { rows } = await client.query<{ n: number }>({
      name: `count_${from}`,
      text: `WITH RECURSIVE reach (id) AS (
          SELECT f.${to} FROM item s JOIN flow f ON f.${from} = s.id WHERE s.key = ANY($1::text[])
          UNION SELECT f.${to} FROM reach r JOIN flow f ON f.${from} = r.id)
        SELECT count(*)::int AS n FROM reach`,
      values: [ids],
    });
    return { lots: [], units: Array<string>(rows[0]!.n), containers: [], shipments: [], customers: [] };
  };
  const size = (r: TraceResult) => r.lots.length + r.units.length + r.containers.length;
  async function measure(label: string, ids: string[], trace: typeof traceForwardPg) {
    for (const id of ids) await trace(server.client, [id]); // warm the cache and the prepared plan
    const times: number[] = [];
    const sizes: number[] = [];
    for (let i = 0; i < runs; i++) {
      const id = ids[i % ids.length]!;
      const t = performance.now();
      const r = await trace(server.client, [id]);
      times.push(performance.now() - t);
      sizes.push(r.units.length);
      if (i === 0) console.log(`  e.g. ${id}: ${size(r)} items (${r.units.length} units), ${r.shipments.length} shipments`);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    const meanUnits = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    console.log(
      `${label}: median ${ms(median)}, min ${ms(times[0]!)}, max ${ms(times[times.length - 1]!)} ` +
        `over ${runs} runs; ${meanUnits.toFixed(0)} units on average`,
    );
  }
  const lots = typicalSupplierLots(opts, runs);
  const units = typicalUnits(opts, runs);
  await measure('forward from a supplier lot (TraceResult)', lots, traceForwardPg);
  await measure('backward from a shipped unit (TraceResult)', units, traceBackwardPg);
  await measure('forward reach count only', lots, countReach('src', 'dst'));
  await measure('backward reach count only', units, countReach('dst', 'src'));
} finally {
  await server.stop();
}
