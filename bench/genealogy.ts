/**
 * Genealogy on the embedded store: the graph around a supplier lot (DOWN) and a unit (UP), depth 3,
 * up to 5,000 nodes, built from the in-memory indexes against the same build with one Kuzu query
 * per item (how it was answered before). Same answers both ways, or the table says NO.
 */
import { isDeepStrictEqual } from 'node:util';
import { buildGenealogy, MAX_NODES, type Genealogy } from '../domain/analytics/genealogy.ts';
import type { KuzuStore } from '../cypher/kuzu/adapter.ts';
import type { GraphStore } from '../cypher/port.ts';
import { median } from './stats.ts';

export interface GenealogyBenchRow {
  direction: 'DOWN' | 'UP';
  from: string;
  memoryMs: number;
  /** null: the per-item baseline was not timed. */
  cypherMs: number | null;
  nodes: number;
  edges: number;
  /** null: nothing to compare with (no baseline). */
  same: boolean | null;
}

/** The per-item Cypher takes minutes on a large plant: by default it is timed this many times at most. */
export const CYPHER_RUNS = 2;
const DEPTH = 3;

/** The store with its genealogy reads answered by one Cypher query per item. */
function viaCypher(store: KuzuStore): GraphStore {
  return new Proxy(store, {
    get(target, key) {
      if (key === 'neighbours') return target.neighboursInCypher.bind(target);
      if (key === 'itemStatus') return target.itemStatusInCypher.bind(target);
      const v: unknown = Reflect.get(target, key);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** Node and edge order follows the rows' order, which differs between the two ways: compare sorted. */
const canonical = (g: Genealogy) => ({
  ...g,
  nodes: [...g.nodes].sort((a, b) => a.id.localeCompare(b.id)),
  edges: [...g.edges].sort((a, b) => a.id.localeCompare(b.id)),
});

export async function benchGenealogy(
  store: KuzuStore,
  lots: string[],
  units: string[],
  runs: number,
  cypherRuns = CYPHER_RUNS,
): Promise<GenealogyBenchRow[]> {
  const out: GenealogyBenchRow[] = [];
  const slow = viaCypher(store);
  for (const [direction, ids] of [
    ['DOWN', lots],
    ['UP', units],
  ] as const) {
    // The first call reads the operation cache and the inspection index; the next ones warm the
    // JIT (the first few builds took 5-10x the steady time): untimed, as the traces' warm-up pass.
    for (const id of ids.slice(0, 3)) await buildGenealogy(store, id, direction, DEPTH, MAX_NODES);
    const fast: number[] = [];
    const cypher: number[] = [];
    let same = true;
    let nodes = 0;
    let edges = 0;
    for (let i = 0; i < runs; i++) {
      const id = ids[i % ids.length]!;
      let t0 = performance.now();
      const a = await buildGenealogy(store, id, direction, DEPTH, MAX_NODES);
      fast.push(performance.now() - t0);
      nodes += a.nodes.length;
      edges += a.edges.length;
      if (i >= cypherRuns) continue;
      t0 = performance.now();
      const b = await buildGenealogy(slow, id, direction, DEPTH, MAX_NODES);
      cypher.push(performance.now() - t0);
      same &&= isDeepStrictEqual(canonical(a), canonical(b));
    }
    out.push({
      direction,
      from: direction === 'DOWN' ? 'supplier lot' : 'unit',
      memoryMs: median(fast),
      cypherMs: cypher.length ? median(cypher) : null,
      nodes: Math.round(nodes / runs),
      edges: Math.round(edges / runs),
      same: cypher.length ? same : null,
    });
  }
  return out;
}

export function reportGenealogy(rows: GenealogyBenchRow[], units: number, runs: number, cypherRuns = CYPHER_RUNS): string {
  const ms = (x: number | null) => (x === null ? '-' : x < 10 ? x.toFixed(2) : x.toFixed(0));
  const lines = [
    `| genealogy | from memory (ms) | one Kuzu query per item (ms) | speed-up | nodes / edges | same answers |`,
    `|---|---|---|---|---|---|`,
    ...rows.map(
      (r) =>
        `| ${r.direction} from a ${r.from}, depth ${DEPTH} | ${ms(r.memoryMs)} | ${ms(r.cypherMs)} | ${r.cypherMs === null ? '-' : `${(r.cypherMs / r.memoryMs).toFixed(0)}x`} | ${r.nodes} / ${r.edges} | ${r.same === null ? '-' : r.same ? 'yes' : 'NO'} |`,
    ),
  ];
  return `Genealogy on the embedded store, ${units.toLocaleString('en')}-unit plant, up to ${MAX_NODES.toLocaleString('en')} nodes (medians of ${runs} from memory and ${Math.min(runs, cypherRuns)} per query)\n\n${lines.join('\n')}`;
}
