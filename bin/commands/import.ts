import { statSync } from 'node:fs';
import { importEpcisFile, importEventLines, type Progress } from '../../ingest/files.ts';
import type { IngestTotals } from '../../ingest/batches.ts';
import type { GraphStore } from '../../cypher/port.ts';
import { heldBy, withGraph } from '../common.ts';
import { captureFile } from '../capture.ts';
import { HeldByServer, type RemoteServer } from '../remote.ts';
import type { Config } from '../../core/config.ts';
import { registerEpcisEvents } from '../../ingest/epcis/repository.ts';
import { canonicalToEpcis, TG_NAMESPACES } from '../../ingest/epcis/from-canonical.ts';
import { printJson } from '../output.ts';
import { progressBar } from '../../core/progress.ts';

type Importer = (store: GraphStore, file: string, dataDir: string, onProgress?: Progress) => Promise<IngestTotals>;

const importers: Record<'epcis' | 'events', Importer> = {
  // The EPCIS originals go to the data directory's repository too, so the EPCIS query answers them as they came in.
  epcis: (store, file, dataDir, onProgress) =>
    importEpcisFile(store, file, onProgress, { register: (events, md, ns) => registerEpcisEvents(dataDir, events, md, ns) }),
  // Shop-floor events are registered rendered as EPCIS (the event log belongs to the running pipeline).
  events: (store, file, dataDir, onProgress) =>
    importEventLines(store, file, onProgress, {
      register: (events) =>
        registerEpcisEvents(
          dataDir,
          events.map((e) => canonicalToEpcis(e).event),
          [],
          TG_NAMESPACES,
        ),
    }),
};

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
  await withGraph(
    opts,
    async (store, config) => {
      const results = [];
      for (const file of files) {
        const bar = progressBar(`importing ${file}`, fileSize(file), ' bytes');
        try {
          const t = await importer(store, file, config.dataDir, (bytes, tot) =>
            bar.update(bytes, { events: tot.seen, new: tot.applied }),
          );
          bar.stop();
          results.push({ file, ...t });
          if (!opts.json) process.stderr.write(summary(file, t) + '\n');
        } finally {
          bar.stop();
        }
      }
      if (opts.json) await printJson(results);
    },
    async (server, config) => {
      await server.ping();
      if (kind === 'events') throw eventsBesideServer(server, config);
      const results = [];
      for (const file of files) {
        const bar = progressBar(`importing ${file}`, fileSize(file), ' bytes');
        try {
          const r = await captureFile(server, file, (bytes) => bar.update(bytes));
          bar.stop();
          // The same fields, in the same order, as the local import's.
          if (r.graph) {
            results.push({ file, ...r.graph, epcisEvents: r.epcisEvents });
            if (!opts.json) process.stderr.write(summary(file, r.graph) + '\n');
          } else {
            results.push({ file, epcisEvents: r.epcisEvents, newEpcisEvents: r.newEpcisEvents });
            if (!opts.json)
              process.stderr.write(
                `${file}: ${r.epcisEvents} EPCIS events, ${r.newEpcisEvents} new, sent to ${server.url}, whose pipeline writes them to the graph\n`,
              );
          }
        } finally {
          bar.stop();
        }
      }
      if (opts.json) await printJson(results);
    },
  );
}

/**
 * The running server has no way in for shop-floor events in their canonical form: EPCIS capture
 * takes EPCIS, and only an ingest pipeline (the demo's, or `tracegraph ingest`) reads MQTT.
 */
function eventsBesideServer(server: RemoteServer, config: Config): HeldByServer {
  return new HeldByServer(
    `${heldBy(server, config)}, which takes events over its API as EPCIS documents only (POST /epcis/capture); ` +
      'JSON-lines events are written by the process holding the graph. Beside it, send them as EPCIS documents ' +
      '(`tracegraph import epcis FILE`)' +
      (server.appliesEventLog
        ? ", or publish each line to this server's MQTT broker on tracegraph/v1/<site>/<line>/<station>/<kind>"
        : ''),
  );
}
