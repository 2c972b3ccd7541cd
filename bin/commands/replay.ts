import { Command } from 'commander';
import { loadConfig } from '../../core/config.ts';
import { TracegraphError } from '../../core/errors.ts';
import type { CanonicalEvent } from '../../core/events.ts';
import { applyInBatches } from '../../ingest/batches.ts';
import { listSegments, logDir, readLog } from '../../ingest/pipeline/event-log.ts';
import { dataOption, jsonOption, printJson, withStore } from '../common.ts';
import { progressBar } from '../../core/progress.ts';

/**
 * Rebuilds the graph from the event log. The store skips eventIds it holds, so replaying into an
 * existing graph adds nothing and into an empty one rebuilds it. Reads the log without its lock:
 * a running pipeline may keep appending; a half-written last line is skipped.
 */
export function replayCommand(): Command {
  return new Command('replay')
    .description('rebuild the graph from the event log (<data>/log); events already in the graph are skipped')
    .addOption(dataOption())
    .addOption(jsonOption())
    .action(async (opts: { data?: string; json?: boolean }) => {
      // Checked before the store is opened, so a wrong --data does not create an empty graph there.
      const dataDir = loadConfig({ dataDir: opts.data }).dataDir;
      const segments = listSegments(dataDir);
      if (!segments.length)
        throw new TracegraphError('NOT_FOUND', `no event log in ${logDir(dataDir)} (the ingest pipeline writes it)`);
      await withStore(opts, async (store, config) => {
        // Progress over the log's bytes: earlier segments are full, the current one is where we are.
        const before = new Map(segments.map((s, i) => [s.seq, segments.slice(0, i).reduce((n, x) => n + x.size, 0)]));
        const totalBytes = segments.reduce((n, s) => n + s.size, 0);
        const bar = progressBar('replaying the event log', totalBytes, ' bytes');
        let at = 0;
        async function* events(): AsyncGenerator<CanonicalEvent> {
          for await (const { event, end } of readLog(config.dataDir)) {
            at = (before.get(end.segment) ?? 0) + end.offset;
            yield event;
          }
        }
        const totals = await applyInBatches(store, events(), {
          onBatch: (t) => bar.update(at, { events: t.seen, new: t.applied }),
        }).finally(() => bar.stop());
        if (opts.json) return printJson(totals);
        process.stderr.write(
          `replayed ${totals.seen} events: ${totals.applied} new, ${totals.duplicates} already present, ${totals.voided} declared in error\n`,
        );
      });
    });
}
