import { statSync } from 'node:fs';
import { importEpcisFile, importEventLines, type Progress } from '../../ingest/files.ts';
import type { IngestTotals } from '../../ingest/batches.ts';
import type { GraphStore } from '../../cypher/port.ts';
import { withStore } from '../common.ts';
import { printJson } from '../output.ts';
import { progressBar } from '../../core/progress.ts';

type Importer = (store: GraphStore, file: string, onProgress?: Progress) => Promise<IngestTotals>;

const importers: Record<'epcis' | 'events', Importer> = { epcis: importEpcisFile, events: importEventLines };

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

/** Files in order, a progress bar per file, a summary line each. */
export async function importFiles(
  kind: 'epcis' | 'events',
  files: string[],
  opts: { data?: string; json?: boolean },
): Promise<void> {
  const importer = importers[kind];
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
    if (opts.json) await printJson(results);
  });
}
