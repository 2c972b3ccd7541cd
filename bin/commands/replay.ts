import { loadConfig, type Config } from '../../core/config.ts';
import { isTracegraphError, TracegraphError } from '../../core/errors.ts';
import type { CanonicalEvent } from '../../core/events.ts';
import { applyInBatches } from '../../ingest/batches.ts';
import { listSegments, logDir, readLog } from '../../ingest/pipeline/event-log.ts';
import { heldBy, withGraph } from '../common.ts';
import { HeldByServer } from '../remote.ts';
import type { GraphStore } from '../../cypher/port.ts';
import { printJson } from '../output.ts';
import { progressBar } from '../../core/progress.ts';

/**
 * Rebuilds the graph from the event log. The store skips eventIds it holds, so replaying into an
 * existing graph adds nothing and into an empty one rebuilds it. Reads the log without its lock:
 * a running pipeline may keep appending; a half-written last line is skipped.
 */
export async function replay(opts: { data?: string; json?: boolean }): Promise<void> {
  // Checked before the store is opened, so a wrong --data does not create an empty graph there.
  const dataDir = loadConfig({ dataDir: opts.data }).dataDir;
  const segments = listSegments(dataDir);
  if (!segments.length)
    throw new TracegraphError('NOT_FOUND', `no event log in ${logDir(dataDir)} (the ingest pipeline writes it)`);
  await withGraph(
    opts,
    (store, config) => replayInto(store, config, segments, opts),
    async (server, config) => {
      await server.ping();
      if (server.appliesEventLog) {
        // The demo's pipeline re-applies at start what the graph lacks and applies every event it logs.
        if (opts.json) return printJson({ appliedBy: server.url });
        process.stderr.write(
          `nothing to do: the tracegraph server at ${server.url} (pid ${server.info.pid}) applies the event log in ${logDir(config.dataDir)} itself\n`,
        );
        return;
      }
      throw new HeldByServer(
        `${heldBy(server, config)}, which does not read the event log (\`tracegraph ingest\` and the demo apply it as they write it), ` +
          'and a replay writes the graph in bulk from the process holding it. To rebuild a graph from this log meanwhile, ' +
          `replay a copy of it into another data directory: mkdir -p NEW && cp -a ${logDir(config.dataDir)} NEW/ && tracegraph replay --data NEW`,
      );
    },
  );
}

async function replayInto(
  store: GraphStore,
  config: Config,
  segments: ReturnType<typeof listSegments>,
  opts: { json?: boolean },
): Promise<void> {
  // Progress over the log's bytes: earlier segments are full, the current one is where we are.
  const before = new Map(segments.map((s, i) => [s.seq, segments.slice(0, i).reduce((n, x) => n + x.size, 0)]));
  const totalBytes = segments.reduce((n, s) => n + s.size, 0);
  const run = () => {
    const bar = progressBar('replaying the event log', totalBytes, ' bytes');
    let at = 0;
    async function* events(): AsyncGenerator<CanonicalEvent> {
      for await (const { event, end } of readLog(config.dataDir)) {
        at = (before.get(end.segment) ?? 0) + end.offset;
        yield event;
      }
    }
    return applyInBatches(store, events(), {
      onBatch: (t) => bar.update(at, { events: t.seen, new: t.applied }),
    }).finally(() => bar.stop());
  };
  let totals;
  try {
    totals = await run();
  } catch (e) {
    // A graph damaged by a crash mid-write refuses the batch for good: rebuild it, replay again.
    if (!isTracegraphError(e) || e.code !== 'STORE_DAMAGED' || !store.rebuild) throw e;
    process.stderr.write(`${e.message}. Rebuilding it, then replaying the whole log into it\n`);
    const { carried, kept } = await store.rebuild();
    process.stderr.write(
      `graph rebuilt (${carried ? 'its committed contents carried over' : 'empty: nothing could be carried over'}); the damaged files are kept as ${kept}*\n`,
    );
    totals = await run();
  }
  if (opts.json) return printJson(totals);
  process.stderr.write(
    `replayed ${totals.seen} events: ${totals.applied} new, ${totals.duplicates} already present, ${totals.voided} declared in error\n`,
  );
}
