import { statSync } from 'node:fs';
import { Command } from 'commander';
import { importEpcisFile, importEventLines } from '../../ingest/files.ts';
import type { IngestTotals } from '../../ingest/batches.ts';
import { dataOption, jsonOption, printJson, withStore } from '../common.ts';
import { progressBar } from '../progress.ts';

type Opts = { data?: string; json?: boolean };

function summary(file: string, t: IngestTotals): string {
  return `${file}: ${t.seen} events, ${t.applied} new, ${t.duplicates} already present, ${t.voided} declared in error`;
}

export function importCommand(): Command {
  const cmd = new Command('import').description('import events from files (EPCIS 2.0 JSON/JSON-LD documents, or JSON lines)');
  cmd
    .command('epcis')
    .description('import EPCIS 2.0 JSON / JSON-LD documents (EPCISDocument or EPCISQueryDocument)')
    .argument('<files...>', 'EPCIS documents')
    .addOption(dataOption())
    .addOption(jsonOption())
    .action(async (files: string[], opts: Opts) => {
      await withStore(opts, async (store) => {
        const results = [];
        for (const file of files) {
          const t = await importEpcisFile(store, file);
          results.push({ file, ...t });
          if (!opts.json) process.stderr.write(summary(file, t) + '\n');
        }
        if (opts.json) printJson(results);
      });
    });
  cmd
    .command('events')
    .description('import canonical events, one JSON object per line (the wire form in DESIGN.md)')
    .argument('<files...>', 'JSON-lines files')
    .addOption(dataOption())
    .addOption(jsonOption())
    .action(async (files: string[], opts: Opts) => {
      await withStore(opts, async (store) => {
        const results = [];
        for (const file of files) {
          let size = 0;
          try {
            size = statSync(file).size;
          } catch {
            // importEventLines reports a missing file with its name
          }
          const bar = progressBar(`importing ${file}`, size, ' bytes');
          try {
            const t = await importEventLines(store, file, (bytes, tot) =>
              bar.update(bytes, { events: tot.seen, new: tot.applied }),
            );
            results.push({ file, ...t });
            bar.stop();
            if (!opts.json) process.stderr.write(summary(file, t) + '\n');
          } finally {
            bar.stop();
          }
        }
        if (opts.json) printJson(results);
      });
    });
  return cmd;
}
