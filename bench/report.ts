/**
 * `tracegraph bench --sections report`: the recall report of a recall that takes every unit of a
 * plant (criteria: a material every unit contains), in English and Chinese. Each measurement runs
 * in a fresh process (this file, run as a script), so its peak RSS is that of opening the store
 * and producing the report, and beside it a process that opens the store and scopes the recall
 * only: the difference is what the report costs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuditTrail } from '../domain/audit/trail.ts';
import { CanonicalEvent } from '../core/events.ts';
import { KuzuStore } from '../cypher/kuzu/adapter.ts';
import { applyInBatches } from '../ingest/batches.ts';
import { generatePlant } from '../ingest/seed/plant.ts';
import { generateReport } from '../reports/generate.ts';
import type { Lang } from '../reports/i18n.ts';

export interface ReportBenchOptions {
  units: number;
  runs: number;
}

interface ChildResult {
  ms: number;
  maxRssMb: number;
  pages: number | null;
  bytes: number | null;
  units: number;
}

const MATERIAL = 'RESIN';
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function child(dataDir: string, mode: 'scope' | Lang, out: string): ChildResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), dataDir, mode, out], {
    encoding: 'utf8',
    timeout: 30 * 60_000,
  });
  if (r.status !== 0) throw new Error(`report bench child (${mode}) failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as ChildResult;
}

export async function runReportBench(opts: ReportBenchOptions): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tracegraph-report-bench-'));
  try {
    const dataDir = join(dir, 'data');
    const store = await KuzuStore.open({ dataDir });
    await applyInBatches(
      store,
      (function* () {
        for (const e of generatePlant({ units: opts.units })) yield CanonicalEvent.parse(e);
      })(),
    );
    const scope = await store.recallScope({ material: MATERIAL });
    await store.saveRecall({
      name: `every unit with ${MATERIAL}`,
      criteria: { material: MATERIAL },
      counts: scope.counts,
      createdBy: 'bench',
    });
    await store.close();
    const rows: string[] = [];
    for (const mode of ['scope', 'en', 'zh'] as const) {
      const runs = Array.from({ length: opts.runs }, () => child(dataDir, mode, join(dir, `recall-${mode}.pdf`)));
      const last = runs.at(-1)!;
      rows.push(
        `| ${mode === 'scope' ? 'recallScope only' : `recall report (${mode})`} | ${last.units} | ${median(runs.map((r) => r.ms)).toFixed(0)} | ${median(runs.map((r) => r.maxRssMb)).toFixed(0)} | ${last.pages ?? '-'} | ${last.bytes === null ? '-' : (last.bytes / 1024).toFixed(0)} |`,
      );
    }
    process.stdout.write(
      [
        '',
        `## Recall report, ${opts.units} units (criteria: material ${MATERIAL}; median of ${opts.runs} fresh processes)`,
        '',
        '| run | units | ms | peak RSS MB | pages | KiB |',
        '|---|---:|---:|---:|---:|---:|',
        ...rows,
        '',
      ].join('\n'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The child: open the store, then scope the recall or write the report; one JSON line on stdout. */
async function childMain(dataDir: string, mode: string, out: string): Promise<void> {
  const store = await KuzuStore.open({ dataDir });
  const recall = (await store.listRecalls())[0]!;
  const started = performance.now();
  let result: Omit<ChildResult, 'ms' | 'maxRssMb'>;
  if (mode === 'scope') {
    const s = await store.recallScope(recall.criteria);
    result = { pages: null, bytes: null, units: s.counts.units };
  } else {
    const audit = new AuditTrail(dataDir);
    const g = await generateReport(
      { kind: 'recall', target: { recall: recall.id } },
      { store, audit, out, lang: mode as Lang, by: 'bench' },
    );
    result = { pages: g.pages, bytes: g.bytes, units: recall.counts.units };
  }
  const ms = performance.now() - started;
  process.stdout.write(JSON.stringify({ ...result, ms, maxRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n');
  await store.close();
  process.exit(0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await childMain(process.argv[2]!, process.argv[3]!, process.argv[4]!);
