import { Command } from 'commander';
import { normaliseId } from '../../core/ids.ts';
import type { TraceResult } from '../../cypher/port.ts';
import { dataOption, jsonOption, printJson, withStore } from '../common.ts';

function print(direction: string, ids: string[], t: TraceResult, events?: string[]): void {
  const lines = [`${direction} trace from ${ids.join(', ')}`];
  const sections: [string, string[]][] = [
    ['lots', t.lots],
    ['units', t.units],
    ['containers', t.containers],
    ['shipments', t.shipments],
    ['customers', t.customers],
    ...(events ? ([['events', events]] as [string, string[]][]) : []),
  ];
  for (const [name, list] of sections) {
    lines.push(`${name} (${list.length})`);
    for (const id of list.slice(0, 50)) lines.push(`  ${id}`);
    if (list.length > 50) lines.push(`  ... ${list.length - 50} more (use --json for all)`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}

function traceSub(direction: 'forward' | 'backward', what: string): Command {
  return new Command(direction)
    .description(what)
    .argument('<ids...>', 'lot or unit ids (EPC URN, GS1 Digital Link or plant id)')
    .addOption(dataOption())
    .addOption(jsonOption())
    .option('--events', 'also list the ids of the events that make up the trace (EPCIS eventIDs where there are)')
    .action(async (raw: string[], opts: { data?: string; json?: boolean; events?: boolean }) => {
      const ids = raw.map(normaliseId);
      await withStore(opts, async (store) => {
        const t = direction === 'forward' ? await store.traceForward(ids) : await store.traceBackward(ids);
        if (Object.values(t).every((list: string[]) => list.length === 0))
          process.stderr.write(
            `tracegraph: nothing reached ${direction} from ${ids.join(', ')}: the id is unknown (ids are case-sensitive) or nothing links to it yet\n`,
          );
        const events = opts.events ? await store.traceEvents(ids, direction) : undefined;
        if (opts.json) {
          // Quantities only in JSON: how much of each item went into each output, and units per shipment.
          const q = await store.traceQuantities(ids, direction);
          printJson({ ...t, flows: q.flows, shipmentUnits: q.shipments, ...(events ? { events } : {}) });
        } else print(direction, ids, t, events);
      });
    });
}

export function traceCommand(): Command {
  return new Command('trace')
    .description('trace lots and units through every transformation, split, merge, rework and packing level')
    .addCommand(
      traceSub('forward', 'every lot and unit made from the given ones, the shipments that carried them and their customers'),
    )
    .addCommand(traceSub('backward', 'every lot and unit the given ones were made from'));
}
