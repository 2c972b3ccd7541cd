import { loadConfig } from '../../core/config.ts';
import { positiveInt } from '../options.ts';

export interface BenchFlags {
  units: number;
  runs: number;
  stores: string;
  out?: string;
  sections: string;
  ingestEvents: number;
  perMessage: string;
  connections: number;
  group?: string;
  ingestRuns: number;
  recallClients: number;
  recallRequests: number;
  auditEntries: number;
  reportUnits: number;
  reportFsmaUnits: number;
  loopAlarms: number;
  loopStations: number;
  loopRequests: number;
  loopUnits: number;
  plantCache?: string;
  genealogyBaselineRuns: number;
  captureRuns: number;
}

const list = (s: string) => s.split(',').map((x) => x.trim());

export async function bench(opts: BenchFlags): Promise<void> {
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
      plantCache: opts.plantCache,
      genealogyBaselineRuns: opts.genealogyBaselineRuns,
    });
  }
  if (sections.includes('ingest')) {
    const { runIngestBench } = await import('../../bench/ingest.ts');
    await runIngestBench({
      events: opts.ingestEvents,
      perMessage: list(opts.perMessage).map((n) => positiveInt(n)),
      runs: opts.ingestRuns,
      connections: opts.connections,
      group: opts.group,
      stores: ['none', 'kuzu'],
      debug: loadConfig().debug,
    });
  }
  if (sections.includes('loop')) {
    const { runLoopBench } = await import('../../bench/loop.ts');
    await runLoopBench({
      alarms: opts.loopAlarms,
      backgroundPerSecond: 200,
      stations: opts.loopStations,
      requestsPerStation: opts.loopRequests,
      units: opts.loopUnits,
      plantCache: opts.plantCache,
    });
  }
  if (sections.includes('audit')) {
    const { runAuditBench } = await import('../../bench/audit.ts');
    await runAuditBench({ entries: opts.auditEntries, runs: opts.runs });
  }
  if (sections.includes('report')) {
    const { runReportBench } = await import('../../bench/report.ts');
    await runReportBench({
      units: opts.reportUnits,
      runs: Math.min(opts.runs, 3),
      fsmaUnits: opts.reportFsmaUnits,
      plantCache: opts.plantCache,
    });
  }
  if (sections.includes('capture')) {
    const { runCaptureBench } = await import('../../bench/capture.ts');
    await runCaptureBench({ runs: opts.captureRuns });
  }
}
