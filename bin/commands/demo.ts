import { Command } from 'commander';
import { typicalSupplierLots, typicalUnits } from '../../ingest/seed/plant.ts';
import { dataOption, withStore } from '../common.ts';
import { positiveInt, seedPlant } from './seed.ts';

/**
 * The demo plant on the embedded store. Today it seeds a small synthetic plant (once) and walks
 * through a recall trace; the live plant (simulated PLC, scanners, API and web) joins it as the
 * ingest and API work lands.
 */
export function demoCommand(): Command {
  return new Command('demo')
    .description('seed a demo plant into the embedded graph (once) and show a recall trace')
    .option('--units <n>', 'finished units in the demo plant', positiveInt, 2000)
    .addOption(dataOption())
    .action(async (opts: { units: number; data?: string }) => {
      await withStore(opts, async (store, config) => {
        const before = await store.stats();
        if (before.events === 0) {
          process.stdout.write(`Seeding a ${opts.units}-unit demo plant into ${config.dataDir} ...\n`);
          await seedPlant(store, opts.units, 1);
        }
        const s = await store.stats();
        const [lot] = typicalSupplierLots({ units: opts.units }, 1);
        const [unit] = typicalUnits({ units: opts.units }, 1);
        const fwd = lot ? await store.traceForward([lot]) : undefined;
        const back = unit ? await store.traceBackward([unit]) : undefined;
        const out = [
          `tracegraph demo plant (${s.backend}, ${config.dataDir}): ${s.events} events, ${s.nodes.Item ?? 0} lots and units`,
          '',
        ];
        if (lot && fwd)
          out.push(
            `Recall scope of supplier lot ${lot}:`,
            `  ${fwd.lots.length} lots, ${fwd.units.length} units, ${fwd.containers.length} containers, ${fwd.shipments.length} shipments, ${fwd.customers.length} customers`,
          );
        if (unit && back)
          out.push(`Where unit ${unit} came from:`, `  ${back.lots.length} lots and ${back.units.length} sub-assembly unit(s)`);
        out.push(
          '',
          'Try:',
          `  npx tracegraph trace forward ${lot ?? 'LOT'} --json`,
          `  npx tracegraph trace backward ${unit ?? 'UNIT'}`,
          '  npx tracegraph stats',
          '  npx tracegraph serve                      # GraphQL API at http://127.0.0.1:4000/graphql',
          '  npx tracegraph import epcis ../shared/external/gs1-epcis/Example_9.6.4-TransformationEvent.jsonld',
          '  npx tracegraph --help',
        );
        process.stdout.write(out.join('\n') + '\n');
      });
    });
}
