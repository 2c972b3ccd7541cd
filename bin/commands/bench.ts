import { Command, InvalidArgumentError } from 'commander';
import { positiveInt } from './seed.ts';

const nonNegativeInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number, 0 or more');
  return n;
};

export function benchCommand(): Command {
  return new Command('bench')
    .description('load a synthetic plant into Kuzu, Neo4j and PostgreSQL side by side and time traces')
    .option('--units <n>', 'finished units in the plant', positiveInt, 1_000_000)
    .option('--runs <n>', 'traces per measurement', positiveInt, 20)
    .option('--stores <list>', 'comma-separated: kuzu,neo4j,postgres', 'kuzu,neo4j,postgres')
    .option('--out <file>', 'also write the results as JSON here')
    .option(
      '--recall-clients <n>',
      'concurrent HTTP clients timing recallScope on the embedded store (0: skip)',
      nonNegativeInt,
      20,
    )
    .option('--recall-requests <n>', 'recallScope requests in all', positiveInt, 200)
    .action(
      async (opts: {
        units: number;
        runs: number;
        stores: string;
        out?: string;
        recallClients: number;
        recallRequests: number;
      }) => {
        const { runBench } = await import('../../bench/run.ts');
        await runBench({
          units: opts.units,
          runs: opts.runs,
          stores: opts.stores.split(',').map((s) => s.trim()),
          out: opts.out,
          recallClients: opts.recallClients,
          recallRequests: opts.recallRequests,
        });
      },
    );
}
