import type { StoreStats } from '../../cypher/port.ts';
import { withGraph } from '../common.ts';
import { out, printJson } from '../output.ts';

export async function stats(opts: { data?: string; json?: boolean }): Promise<void> {
  const s = await withGraph(
    opts,
    (store) => store.stats(),
    async (server) =>
      (await server.query<{ storeStats: StoreStats }>('{ storeStats { backend events nodes relationships } }')).storeStats,
  );
  // Tables in name order: the store lists them in no fixed order, and the same question must print the same answer.
  const sorted = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
  if (opts.json) return printJson({ ...s, nodes: sorted(s.nodes), relationships: sorted(s.relationships) });
  const lines = [`backend ${s.backend}, ${s.events} events`, 'nodes:'];
  for (const [k, v] of Object.entries(s.nodes).sort()) lines.push(`  ${k.padEnd(14)} ${v}`);
  lines.push('relationships:');
  for (const [k, v] of Object.entries(s.relationships).sort()) lines.push(`  ${k.padEnd(14)} ${v}`);
  await out(lines.join('\n') + '\n');
}
