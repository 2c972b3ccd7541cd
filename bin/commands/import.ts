import { statSync } from 'node:fs';
import { Command } from 'commander';
import { importEpcisFile, importEventLines, type Progress } from '../../ingest/files.ts';
import type { IngestTotals } from '../../ingest/batches.ts';
import type { GraphStore } from '../../cypher/port.ts';
import { dataOption, jsonOption, printJson, withStore } from '../common.ts';
import { progressBar } from '../../core/progress.ts';

type Importer = (store: GraphStore, file: string, onProgress?: Progress) => Promise<IngestTotals>;

function summary(file: string, t: IngestTotals): string {
  return `${file}: ${t.seen} events, ${t.applied} new, ${t.duplicates} already present, ${t.voided} declared in error`;
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0; // the importer names a missing file itself
  }
}

/** One import subcommand: files in order, a progress bar per file, a summary line each. */
function importSub(name: string, description: string, what: string, importer: Importer): Command {
  return new Command(name)
    .description(description)
    .argument('<files...>', what)
    .addOption(dataOption())
    .addOption(jsonOption())
    .action(async (files: string[], opts: { data?: string; json?: boolean }) => {
      await withStore(opts, async (store) => {
        const results = [];
        for (const file of files) {
          const bar = progressBar(`importing ${file}`, fileSize(file), ' bytes');
          try {
            const t = await importer(store, file, (bytes, tot) => bar.update(bytes, { events: tot.seen, new: tot.applied }));
            bar.stop();
            results.push({ file, ...t });
            if (!opts.json) process.stderr.write(summary(file, t) + '\n');
          } finally {
            bar.stop();
          }
        }
        if (opts.json) printJson(results);
      });
    });
}

export function importCommand(): Command {
  return new Command('import')
    .description('import events from files (EPCIS documents in JSON/JSON-LD or XML, or JSON lines)')
    .addCommand(
      importSub(
        'epcis',
        'import EPCIS documents: 2.0 JSON / JSON-LD, 2.0 XML or 1.x XML (EPCISDocument, EPCISQueryDocument, bare events)',
        'EPCIS documents',
        importEpcisFile,
      ),
    )
    .addCommand(
      importSub(
        'events',
        'import canonical events, one JSON object per line (the wire form in DESIGN.md)',
        'JSON-lines files',
        importEventLines,
      ),
    );
}
