import { Command } from 'commander';
import { normaliseId } from '../../core/ids.ts';
import type { TraceResult } from '../../cypher/port.ts';
import { dataOption, jsonOption, printJson, withStore } from '../common.ts';

function print(direction: string, ids: string[], t: TraceResult): void {
  const lines = [`${direction} trace from ${ids.join(', ')}`];
  const sections: [string, string[]][] = [
    ['lots', t.lots],
    ['units', t.units],
    ['containers', t.containers],
    ['shipments', t.shipments],
    ['customers', t.customers],
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
    .action(async (raw: string[], opts: { data?: string; json?: boolean }) => {
      const ids = raw.map(normaliseId);
      await withStore(opts, async (store) => {
        const t = direction === 'forward' ? await store.traceForward(ids) : await store.traceBackward(ids);
        if (Object.values(t).every((list: string[]) => list.length === 0))
          process.stderr.write(
            `tracegraph: nothing reached ${direction} from ${ids.join(', ')}: the id is unknown (ids are case-sensitive) or nothing links to it yet\n`,
          );
        if (opts.json) printJson(t);
        else print(direction, ids, t);
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
