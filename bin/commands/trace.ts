import { normaliseId } from '../../core/ids.ts';
import type { TraceResult } from '../../cypher/port.ts';
import { withStore } from '../common.ts';
import { out, printJson } from '../output.ts';

function print(direction: string, ids: string[], t: TraceResult, events?: string[]): Promise<void> {
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
  return out(lines.join('\n') + '\n');
}

export async function trace(
  direction: 'forward' | 'backward',
  raw: string[],
  opts: { data?: string; json?: boolean; events?: boolean },
): Promise<void> {
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
      await printJson({ ...t, flows: q.flows, shipmentUnits: q.shipments, ...(events ? { events } : {}) });
    } else await print(direction, ids, t, events);
  });
}
