import { Command } from 'commander';
import { dataOption, jsonOption, printJson, withStore } from '../common.ts';

export function statsCommand(): Command {
  return new Command('stats')
    .description('count the nodes and relationships in the graph')
    .addOption(dataOption())
    .addOption(jsonOption())
    .action(async (opts: { data?: string; json?: boolean }) => {
      await withStore(opts, async (store) => {
        const s = await store.stats();
        if (opts.json) return printJson(s);
        const lines = [`backend ${s.backend}, ${s.events} events`, 'nodes:'];
        for (const [k, v] of Object.entries(s.nodes).sort()) lines.push(`  ${k.padEnd(14)} ${v}`);
        lines.push('relationships:');
        for (const [k, v] of Object.entries(s.relationships).sort()) lines.push(`  ${k.padEnd(14)} ${v}`);
        process.stdout.write(lines.join('\n') + '\n');
      });
    });
}
