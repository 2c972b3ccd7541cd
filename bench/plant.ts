/**
 * The synthetic plant in an embedded store, for every bench section that needs one: loaded through
 * the ingest path in 20,000-event batches, or copied from a cache of loaded plants (`--plant-cache
 * DIR`), since loading 1,000,000 units takes minutes and most sections only need it there.
 */
import { cpSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CanonicalEvent } from '../core/events.ts';
import { progressBar } from '../core/progress.ts';
import { KuzuStore } from '../cypher/kuzu/adapter.ts';
import type { GraphStore } from '../cypher/port.ts';
import { applyInBatches } from '../ingest/batches.ts';
import { generatePlant, plantShape, type PlantOptions } from '../ingest/seed/plant.ts';

function log(line: string) {
  process.stderr.write(line + '\n');
}

export function* plantEvents(plant: PlantOptions): Generator<CanonicalEvent> {
  for (const raw of generatePlant(plant)) yield CanonicalEvent.parse(raw);
}

/** About 0.55 events per unit plus the receipts (the generator's shape): for the progress bar only. */
export const expectedEvents = (units: number) => Math.round(units * 0.55) + plantShape(units).supplierLots;

/** Loads the plant into `store` with a progress bar; the seconds it took. */
export async function loadStore(name: string, store: GraphStore, plant: PlantOptions, expected: number): Promise<number> {
  const bar = progressBar(`loading ${name}`, expected, ' events');
  const t0 = performance.now();
  const totals = await applyInBatches(store, plantEvents(plant), {
    batchSize: 20_000,
    onBatch: (t) => bar.update(Math.min(t.seen, expected)),
  });
  bar.stop();
  const s = (performance.now() - t0) / 1000;
  log(`${name}: loaded ${totals.applied} events in ${s.toFixed(1)} s`);
  return s;
}

/** Marks a cached plant as whole: a copy interrupted half-way is never taken for one. */
const COMPLETE = '.plant-complete';

/**
 * An embedded store in `dataDir` holding the plant, opened afresh (so its in-memory indexes are
 * read from the graph, as at a server's start; `openSeconds`). From `cache` when it holds this plant
 * (`loadSeconds` is then null: nothing was loaded); otherwise loaded, and left in `cache` for the
 * next run. The caller closes the store.
 */
export async function openPlant(
  dataDir: string,
  plant: PlantOptions,
  opts: { cache?: string; bufferMb?: number; name?: string } = {},
): Promise<{ store: KuzuStore; loadSeconds: number | null; openSeconds: number }> {
  const bufferMb = opts.bufferMb ?? 4096;
  const name = opts.name ?? 'kuzu';
  const cached = opts.cache && join(opts.cache, `kuzu-${plant.units}-seed${plant.seed ?? 1}`);
  let loadSeconds: number | null = null;
  if (cached && existsSync(join(cached, COMPLETE))) {
    const t0 = performance.now();
    cpSync(cached, dataDir, { recursive: true });
    log(
      `${name}: ${plant.units.toLocaleString('en')}-unit plant copied from ${cached} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  } else {
    const store = await KuzuStore.open({ dataDir, bufferMb });
    loadSeconds = await loadStore(name, store, plant, expectedEvents(plant.units));
    await store.close();
    if (cached) {
      rmSync(cached, { recursive: true, force: true });
      cpSync(dataDir, cached, { recursive: true });
      writeFileSync(join(cached, COMPLETE), '');
      log(`${name}: plant kept in ${cached} for the next run`);
    }
  }
  const t0 = performance.now();
  const store = await KuzuStore.open({ dataDir, bufferMb });
  return { store, loadSeconds, openSeconds: (performance.now() - t0) / 1000 };
}
