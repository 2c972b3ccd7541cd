/**
 * Renders each report for a seeded plant and writes page 1 of each as docs/images/report-*.png
 * (pdftoppm, 50 dpi), then prints each file's size and page count for docs/reports.md.
 *
 *   node --import tsx scripts/report-images.ts [--units 2000]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AuditTrail } from '../domain/audit/trail.ts';
import { CanonicalEvent } from '../core/events.ts';
import { KuzuStore } from '../cypher/kuzu/adapter.ts';
import { generatePlant, typicalSupplierLots, typicalUnits } from '../ingest/seed/plant.ts';
import { generateReport, type ReportRequest } from '../reports/generate.ts';
import type { Lang } from '../reports/i18n.ts';

const { values } = parseArgs({ options: { units: { type: 'string', default: '2000' } } });
const units = Number(values.units);
const root = resolve(import.meta.dirname, '..');
const images = join(root, 'docs', 'images');
mkdirSync(images, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'tracegraph-report-images-'));

try {
  const store = await KuzuStore.open({ dataDir: join(work, 'data'), bufferMb: 128 });
  await store.applyEvents([...generatePlant({ units })].map((e) => CanonicalEvent.parse(e)));
  const audit = new AuditTrail(join(work, 'data'));
  const lot = typicalSupplierLots({ units }, 1)[0]!;
  const serial = typicalUnits({ units }, 1)[0]!;
  const scope = await store.recallScope({ supplierLots: [lot] });
  const recall = await store.saveRecall({
    name: `Filler lot ${lot}: cracked housings`,
    criteria: { supplierLots: [lot] },
    counts: scope.counts,
    createdBy: 'qe.alice',
  });
  await audit.append({
    actor: 'qa.bob',
    action: 'signature',
    target: `recall:${recall.id}`,
    details: { meaning: 'approved', role: 'quality' },
  });
  await store.placeHold({
    id: 'H-1',
    items: [serial],
    reason: 'seal leak suspected',
    by: 'qe.alice',
    at: new Date().toISOString(),
  });

  const jobs: [string, ReportRequest, Lang][] = [
    ['recall', { kind: 'recall', target: { recall: recall.id } }, 'en'],
    ['recall-zh', { kind: 'recall', target: { recall: recall.id } }, 'zh'],
    ['unit', { kind: 'unit', id: serial }, 'en'],
    ['audit', { kind: 'audit', from: '2000-01-01', to: '2100-01-01' }, 'en'],
  ];
  for (const [name, req, lang] of jobs) {
    const out = join(work, `${name}.pdf`);
    const started = performance.now();
    const r = await generateReport(req, { store, audit, out, lang, by: 'qe.alice', timeZone: 'Europe/Berlin' });
    const ms = performance.now() - started;
    const png = spawnSync('pdftoppm', [
      '-png',
      '-r',
      '50',
      '-f',
      '1',
      '-l',
      '1',
      '-singlefile',
      out,
      join(images, `report-${name}`),
    ]);
    if (png.status !== 0) throw new Error(`pdftoppm: ${png.stderr.toString()}`);
    console.log(`${name}: ${r.pages} pages, ${statSync(out).size} bytes, ${ms.toFixed(0)} ms -> docs/images/report-${name}.png`);
  }
  await store.close();
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(0);
