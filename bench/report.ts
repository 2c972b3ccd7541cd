/**
 * `tracegraph bench --sections report`: the recall report of a recall that takes every unit of a
 * plant (criteria: a material every unit contains), in English and Chinese. Each measurement runs
 * in a fresh process (this file, run as a script), so its peak RSS is that of opening the store
 * and producing the report, and beside it a process that opens the store and scopes the recall
 * only: the difference is what the report costs. Then the FSMA 204 spreadsheet (XLSX) of one
 * typical supplier lot of a plant of `fsmaUnits` units (1,000,000 by default): that lot and every
 * lot and unit made from it, read in batches.
 *
 * The children run the compiled code (dist/) when the bench does, as the CLI does, so that the peak
 * RSS is not that of the TypeScript loader.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuditTrail } from '../domain/audit/trail.ts';
import { KuzuStore } from '../cypher/kuzu/adapter.ts';
import { openPlant } from './plant.ts';
import { typicalSupplierLots } from '../ingest/seed/plant.ts';
import { CTES, type FsmaReportData } from '../reports/fsma.ts';
import { generateReport } from '../reports/generate.ts';
import type { Lang } from '../reports/i18n.ts';
import { median } from './stats.ts';

export interface ReportBenchOptions {
  units: number;
  runs: number;
  /** Units of the plant for the FSMA spreadsheet (0: skipped). */
  fsmaUnits?: number;
  /** Where loaded plants are kept between runs (bench/plant.ts). */
  plantCache?: string;
}

interface ChildResult {
  ms: number;
  maxRssMb: number;
  pages: number | null;
  bytes: number | null;
  units: number;
  /** FSMA: lots and units in the sheet, and rows per CTE. */
  items?: number;
  rows?: string;
}

const MATERIAL = 'RESIN';
function child(dataDir: string, mode: 'scope' | 'fsma' | Lang, out: string, lot = ''): ChildResult {
  const self = fileURLToPath(import.meta.url);
  const args = self.endsWith('.js') ? [self] : ['--import', 'tsx', self];
  const r = spawnSync(process.execPath, [...args, dataDir, mode, out, lot], {
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
    const { store } = await openPlant(dataDir, { units: opts.units, seed: 1 }, { cache: opts.plantCache, name: 'bench report' });
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
    if (opts.fsmaUnits) {
      const fsmaDir = join(dir, 'fsma');
      const { store: fsmaStore, loadSeconds } = await openPlant(
        fsmaDir,
        { units: opts.fsmaUnits, seed: 1 },
        { cache: opts.plantCache, name: 'bench report' },
      );
      await fsmaStore.close();
      const loaded = loadSeconds === null ? 'copied from the plant cache' : `plant loaded in ${loadSeconds.toFixed(0)} s`;
      const lot = typicalSupplierLots({ units: opts.fsmaUnits, seed: 1 }, 1)[0]!;
      const runs = Array.from({ length: opts.runs }, () => child(fsmaDir, 'fsma', join(dir, 'fsma.xlsx'), lot));
      const last = runs.at(-1)!;
      process.stdout.write(
        [
          '',
          `## FSMA 204 spreadsheet of supplier lot ${lot}, ${opts.fsmaUnits} units (${loaded}; median of ${opts.runs} fresh processes)`,
          '',
          '| lots and units | rows (receiving / transformation / shipping) | ms | peak RSS MB | KiB |',
          '|---:|---|---:|---:|---:|',
          `| ${last.items} | ${last.rows} | ${median(runs.map((r) => r.ms)).toFixed(0)} | ${median(runs.map((r) => r.maxRssMb)).toFixed(0)} | ${((last.bytes ?? 0) / 1024).toFixed(0)} |`,
          '',
        ].join('\n'),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The child: open the store, then scope the recall or write the report; one JSON line on stdout. */
async function childMain(dataDir: string, mode: string, out: string, lot: string): Promise<void> {
  const store = await KuzuStore.open({ dataDir });
  const started = performance.now();
  let result: Omit<ChildResult, 'ms' | 'maxRssMb'>;
  if (mode === 'fsma') {
    const g = await generateReport(
      { kind: 'fsma', target: { from: [lot] } },
      { store, audit: new AuditTrail(dataDir), out, lang: 'en', by: 'bench' },
    );
    const d = (JSON.parse(await readFile(g.dataFile, 'utf8')) as { data: FsmaReportData }).data;
    result = {
      pages: null,
      bytes: g.bytes,
      units: 0,
      items: d.lots,
      rows: CTES.map((c) => d.rows[c].length).join(' / '),
    };
    process.stdout.write(
      JSON.stringify({ ...result, ms: performance.now() - started, maxRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n',
    );
    await store.close();
    process.exit(0);
  }
  const recall = (await store.listRecalls())[0]!;
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

if (process.argv[1] === fileURLToPath(import.meta.url))
  await childMain(process.argv[2]!, process.argv[3]!, process.argv[4]!, process.argv[5] ?? '');
