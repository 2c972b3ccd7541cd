import { Command } from 'commander';
import { positiveInt } from './seed.ts';

export function benchCommand(): Command {
  return new Command('bench')
    .description('load a synthetic plant into Kuzu, Neo4j and PostgreSQL side by side and time traces')
    .option('--units <n>', 'finished units in the plant', positiveInt, 1_000_000)
    .option('--runs <n>', 'traces per measurement', positiveInt, 20)
    .option('--stores <list>', 'comma-separated: kuzu,neo4j,postgres', 'kuzu,neo4j,postgres')
    .option('--out <file>', 'also write the results as JSON here')
    .action(async (opts: { units: number; runs: number; stores: string; out?: string }) => {
      const { runBench } = await import('../../bench/run.ts');
      await runBench({ units: opts.units, runs: opts.runs, stores: opts.stores.split(',').map((s) => s.trim()), out: opts.out });
    });
}
