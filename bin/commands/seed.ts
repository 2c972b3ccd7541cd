import { CanonicalEvent } from '../../core/events.ts';
import { applyInBatches } from '../../ingest/batches.ts';
import { generatePlant, plantShape } from '../../ingest/seed/plant.ts';
import type { GraphStore } from '../../cypher/port.ts';
import { heldBy, withGraph } from '../common.ts';
import { HeldByServer } from '../remote.ts';
import { printJson } from '../output.ts';
import { progressBar } from '../../core/progress.ts';

/** Seeds through the same validation and batch path as every other source. */
export async function seedPlant(store: GraphStore, units: number, seed: number) {
  const expected = estimateEvents(units);
  const bar = progressBar('seeding', expected, ' events');
  try {
    const events = (function* () {
      for (const raw of generatePlant({ units, seed })) yield CanonicalEvent.parse(raw);
    })();
    return await applyInBatches(store, events, { onBatch: (t) => bar.update(Math.min(t.seen, expected), { new: t.applied }) });
  } finally {
    bar.stop();
  }
}

/** About 0.55 events per unit (the synthetic plant's shape); only for the progress bar. */
function estimateEvents(units: number): number {
  const s = plantShape(units);
  return Math.max(1, Math.round(units * 0.55) + s.supplierLots);
}

export async function seed(opts: { units: number; seed: number; data?: string; json?: boolean }): Promise<void> {
  await withGraph(
    opts,
    async (store) => {
      const started = performance.now();
      const t = await seedPlant(store, opts.units, opts.seed);
      const seconds = (performance.now() - started) / 1000;
      if (opts.json) return printJson({ ...t, seconds });
      process.stderr.write(`seeded ${opts.units} units: ${t.seen} events (${t.applied} new) in ${seconds.toFixed(1)} s\n`);
    },
    // A synthetic plant is written in bulk by the process that holds the graph; the server has no way in for one.
    async (server, config) => {
      await server.ping();
      throw new HeldByServer(
        `${heldBy(server, config)}, which keeps serving it; a synthetic plant is written by the process holding the graph. ` +
          `Seed another data directory and serve that one (tracegraph seed --units ${opts.units} --data DIR), ` +
          'or add events to this graph through the server (tracegraph import epcis FILE)',
      );
    },
  );
}
