import { Command } from 'commander';
import { nonNegativeInt, positiveInt } from '../common.ts';

interface BenchFlags {
  units: number;
  runs: number;
  stores: string;
  out?: string;
  sections: string;
  ingestEvents: number;
  perMessage: string;
  connections: number;
  ingestRuns: number;
  recallClients: number;
  recallRequests: number;
  auditEntries: number;
  loopAlarms: number;
  loopStations: number;
  loopRequests: number;
}

const list = (s: string) => s.split(',').map((x) => x.trim());

export function benchCommand(): Command {
  return new Command('bench')
    .description(
      'load a synthetic plant into Kuzu, Neo4j and PostgreSQL side by side and time traces; then time MQTT -> graph ingest',
    )
    .option('--units <n>', 'finished units in the plant', positiveInt, 1_000_000)
    .option('--runs <n>', 'traces per measurement', positiveInt, 20)
    .option('--stores <list>', 'comma-separated: kuzu,neo4j,postgres', 'kuzu,neo4j,postgres')
    .option('--out <file>', 'also write the trace results as JSON here')
    .option('--sections <list>', 'comma-separated: traces,ingest,audit,loop', 'traces,ingest,audit,loop')
    .option('--ingest-events <n>', 'events per ingest run', positiveInt, 50_000)
    .option('--per-message <list>', 'events per MQTT message, one ingest figure each', '1,100')
    .option('--connections <n>', 'MQTT connections of the ingest worker (shared subscription)', positiveInt, 8)
    .option('--ingest-runs <n>', 'ingest runs per figure (the median is quoted)', positiveInt, 3)
    .option(
      '--recall-clients <n>',
      'concurrent HTTP clients timing recallScope on the embedded store (0: skip)',
      nonNegativeInt,
      20,
    )
    .option('--recall-requests <n>', 'recallScope requests in all', positiveInt, 200)
    .option('--audit-entries <n>', 'entries in the audit trail the audit section pages through', positiveInt, 200_000)
    .option('--loop-alarms <n>', 'alarms timed from MQTT reading to alarm, per figure', positiveInt, 200)
    .option('--loop-stations <n>', 'stations asking the interlock at once', positiveInt, 100)
    .option('--loop-requests <n>', 'interlock requests per station', positiveInt, 20)
    .action(async (opts: BenchFlags) => {
      const sections = list(opts.sections);
      if (sections.includes('traces')) {
        const { runBench } = await import('../../bench/run.ts');
        await runBench({
          units: opts.units,
          runs: opts.runs,
          stores: list(opts.stores),
          out: opts.out,
          recallClients: opts.recallClients,
          recallRequests: opts.recallRequests,
        });
      }
      if (sections.includes('ingest')) {
        const { runIngestBench } = await import('../../bench/ingest.ts');
        await runIngestBench({
          events: opts.ingestEvents,
          perMessage: list(opts.perMessage).map((n) => positiveInt(n)),
          runs: opts.ingestRuns,
          connections: opts.connections,
          stores: ['none', 'kuzu'],
        });
      }
      if (sections.includes('loop')) {
        const { runLoopBench } = await import('../../bench/loop.ts');
        await runLoopBench({
          alarms: opts.loopAlarms,
          backgroundPerSecond: 200,
          stations: opts.loopStations,
          requestsPerStation: opts.loopRequests,
        });
      }
      if (sections.includes('audit')) {
        const { runAuditBench } = await import('../../bench/audit.ts');
        await runAuditBench({ entries: opts.auditEntries, runs: opts.runs });
      }
    });
}
