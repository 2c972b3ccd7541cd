import { Command } from 'commander';
import { CanonicalEvent } from '../../core/events.ts';
import { applyInBatches } from '../../ingest/batches.ts';
import { generatePlant, plantShape } from '../../ingest/seed/plant.ts';
import type { GraphStore } from '../../cypher/port.ts';
import { dataOption, jsonOption, positiveInt, printJson, withStore } from '../common.ts';
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

/** About 0.55 events per unit (STACK-NOTES plant); only for the progress bar. */
function estimateEvents(units: number): number {
  const s = plantShape(units);
  return Math.max(1, Math.round(units * 0.55) + s.supplierLots);
}

export function seedCommand(): Command {
  return new Command('seed')
    .description('write a deterministic synthetic plant (suppliers, mixing, splits, merges, assembly, rework, packing, shipping)')
    .requiredOption('--units <n>', 'finished units to make', positiveInt)
    .option('--seed <n>', 'random seed (same seed, same plant)', positiveInt, 1)
    .addOption(dataOption())
    .addOption(jsonOption())
    .action(async (opts: { units: number; seed: number; data?: string; json?: boolean }) => {
      await withStore(opts, async (store) => {
        const started = performance.now();
        const t = await seedPlant(store, opts.units, opts.seed);
        const seconds = (performance.now() - started) / 1000;
        if (opts.json) return printJson({ ...t, seconds });
        process.stderr.write(`seeded ${opts.units} units: ${t.seen} events (${t.applied} new) in ${seconds.toFixed(1)} s\n`);
      });
    });
}
