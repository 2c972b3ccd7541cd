/** The unit record, the audit trail extract and the FSMA 204 spreadsheet, checked against the store and the trail. */
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail } from '../../domain/audit/trail.ts';
import { loadHistory } from '../../domain/analytics/history.ts';
import type { GraphStore } from '../../cypher/port.ts';
import { typicalSupplierLots, typicalUnits } from '../../ingest/seed/plant.ts';
import { AUDIT_CSV_HEADER } from '../../reports/audit.ts';
import { cteColumns, FSMA_CSV_HEADER, type FsmaReportData } from '../../reports/fsma.ts';
import { generateReport } from '../../reports/generate.ts';
import { verifyReport } from '../../reports/verify.ts';
import { receive } from '../helpers/events.ts';
import { tempDir } from '../helpers/stores.ts';
import { darkPixelsOfFirstPage, pdfPages, seededStore } from './helpers.ts';

const UNITS = 300;
const ROOT = resolve(import.meta.dirname, '../..');

function cli(args: string[], dataDir: string) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/tracegraph.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, TRACEGRAPH_DATA: dataDir, TRACEGRAPH_NEO4J_URI: '' },
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('unit, audit and FSMA reports', () => {
  let store: GraphStore;
  let audit: AuditTrail;
  let dataDir: string;
  const out = tempDir('tracegraph-reports-out-');
  const serial = typicalUnits({ units: UNITS }, 1)[0]!;
  const lot = typicalSupplierLots({ units: UNITS }, 1)[0]!;
  const by = 'qe.alice';

  beforeAll(async () => {
    ({ store, dataDir } = await seededStore(UNITS));
    audit = new AuditTrail(dataDir);
    await store.placeHold({ id: 'H-1', items: [serial], reason: 'seal leak suspected', by, at: '2026-02-01T09:00:00Z' });
  });
  afterAll(() => store?.close());

  it('unit record: operations with station, equipment, operator and recipe, materials, holds and the consignee of the unit history', async () => {
    const r = await generateReport({ kind: 'unit', id: serial }, { store, audit, out: join(out, 'unit.pdf'), lang: 'en', by });
    const text = pdfPages(r.out).join('\n');
    const h = await loadHistory(store, serial);
    expect(h.operations.length).toBeGreaterThan(0);
    expect(h.shipments.length).toBeGreaterThan(0);
    expect(text).toMatch(new RegExp(`Unit\\s+${serial}\\n`));
    for (const o of h.operations) {
      expect(text).toContain(`${o.step} · ${o.id}`);
      for (const v of [o.station, o.equipment, o.operator, o.recipe, o.workOrder]) if (v) expect(text).toContain(v);
    }
    const back = await store.traceBackward([serial]);
    expect(text).toContain(`Materials used (${back.lots.length})`);
    for (const l of back.lots) expect(text).toContain(l);
    expect(text).toMatch(/H-1\s+seal leak suspected\s+active/);
    for (const s of h.shipments)
      expect(text).toMatch(new RegExp(`${s.shipment}\\s+${s.item}\\s+${s.customer}\\s+${s.eventTime}`));
    expect((await verifyReport(r.out)).ok).toBe(true);
    expect(darkPixelsOfFirstPage(r.out).dark).toBeGreaterThan(500);
  });

  it('unit record of an unknown serial is NOT_FOUND', async () => {
    await expect(
      generateReport({ kind: 'unit', id: 'SN-NOPE' }, { store, audit, out: join(out, 'nope.pdf'), lang: 'en', by }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('audit extract: the entries of the period and actor, and the chain verification; broken once an entry is edited', async () => {
    await audit.append({
      actor: 'qa.bob',
      action: 'signature',
      target: 'recall:R1',
      details: { meaning: 'approved', role: 'quality' },
    });
    await audit.append({ actor: by, action: 'mutation', target: 'placeHold', details: { id: 'H-1' } });
    const all = (await audit.query({ first: 1000 })).entries;
    const period = { from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' };

    const pdf = await generateReport(
      { kind: 'audit', ...period, actor: 'qa.bob' },
      { audit, out: join(out, 'audit.pdf'), lang: 'en', by },
    );
    const text = pdfPages(pdf.out).join('\n');
    expect(text).toContain(`Intact: all ${all.length} entries verify`);
    expect(text).toMatch(/\d+\s+\S+Z\s+qa\.bob\s+signature\s+recall:R1/);
    expect(text).not.toMatch(/qe\.alice\s+mutation/);

    const csv = await generateReport({ kind: 'audit', ...period }, { audit, out: join(out, 'audit.csv'), lang: 'en', by });
    const lines = readFileSync(csv.out, 'utf8')
      .replace(/^\ufeff/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe(AUDIT_CSV_HEADER.join(','));
    // Every entry up to the extract (the PDF's report.generate included; the CSV's own comes after it).
    expect(lines.length - 1).toBe(all.length + 1);
    expect(lines.at(-1)).toContain(`"{""file"":""audit.pdf""`);

    // Edit one entry: the next extract says where the chain breaks.
    const trail = readFileSync(audit.path, 'utf8');
    writeFileSync(audit.path, trail.replace('"meaning":"approved"', '"meaning":"rejected"'));
    const broken = await generateReport(
      { kind: 'audit', ...period },
      { audit: new AuditTrail(dataDir), out: join(out, 'audit-broken.pdf'), lang: 'zh', by },
    );
    const zh = pdfPages(broken.out).join('\n');
    const seq = all.find((e) => e.action === 'signature')!.seq;
    expect(zh).toContain(`在第 ${seq} 条记录处断裂`);
    writeFileSync(audit.path, trail);
    appendFileSync(audit.path, ''); // unchanged again for the tests after this one
  });

  it('FSMA 204 XLSX: one sheet per CTE with FDA column names, rows matching the trace, and a sheet explaining the columns', async () => {
    const r = await generateReport(
      { kind: 'fsma', target: { from: [lot] }, location: 'Plant 1, 1 Main St, Springfield' },
      { store, audit, out: join(out, 'fsma.xlsx'), lang: 'en', by },
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(r.out);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Receiving', 'Transformation', 'Shipping', 'Columns', 'Report']);
    const rows = (name: string) => {
      const ws = wb.getWorksheet(name)!;
      const header = (ws.getRow(1).values as unknown[]).slice(1);
      const out: Record<string, unknown>[] = [];
      ws.eachRow((row, i) => {
        if (i > 1) out.push(Object.fromEntries(header.map((h, j) => [h, (row.values as unknown[])[j + 1] ?? null])));
      });
      return { header, out };
    };
    const receiving = rows('Receiving');
    expect(receiving.header).toEqual(cteColumns('Receiving'));
    expect(receiving.header).toEqual(
      expect.arrayContaining([
        'Traceability Lot Code',
        'Traceability Lot Code Source Reference',
        'Product Description',
        'Quantity',
        'Unit of Measure',
      ]),
    );
    const rec = (await store.itemRecord(lot))!.item;
    expect(receiving.out).toEqual([
      expect.objectContaining({
        'Traceability Lot Code': lot,
        'Product Description': rec.material,
        Quantity: rec.qty,
        'Unit of Measure': rec.uom,
        'Immediate Previous Source Location Description': rec.supplier,
        'Receiving Location Description': 'Plant 1, 1 Main St, Springfield',
        'Date Received': rec.receivedAt,
      }),
    ]);
    const trace = await store.traceForward([lot]);
    const transformation = rows('Transformation').out;
    const made = new Set(transformation.map((x) => x['Traceability Lot Code']));
    expect([...made].sort()).toEqual([...trace.lots, ...trace.units].sort());
    expect(transformation.every((x) => x['Reference Document Number'] && x['Date Transformation Completed'])).toBe(true);
    const shipping = rows('Shipping').out;
    expect([...new Set(shipping.map((x) => x['Reference Document Number']))].sort()).toEqual(trace.shipments);
    expect([...new Set(shipping.map((x) => x['Immediate Subsequent Recipient Location Description']))].sort()).toEqual(
      trace.customers,
    );
    const quantityOut = (await store.traceQuantities([lot], 'forward')).shipments;
    for (const s of quantityOut)
      expect(shipping.filter((x) => x['Reference Document Number'] === s.shipment && x['Unit of Measure'] === 'ea')).toHaveLength(
        s.units,
      );
    expect(rows('Columns').out.map((x) => x.Column)).toContain('Traceability Lot Code Source Reference');
    expect((await verifyReport(r.out)).ok).toBe(true);
  });

  it('FSMA 204 CSV: header of FDA column names with the CTE first, one line per row of the XLSX', async () => {
    const x = await generateReport(
      { kind: 'fsma', target: { from: [lot] } },
      { store, audit, out: join(out, 'fsma-all.csv'), lang: 'en', by },
    );
    const data = JSON.parse(readFileSync(x.dataFile, 'utf8')) as { data: { rows: Record<string, unknown[]> } };
    const lines = readFileSync(x.out, 'utf8')
      .replace(/^\ufeff/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe(FSMA_CSV_HEADER.join(','));
    expect(
      lines[0]!.startsWith(
        'Critical Tracking Event,Traceability Lot Code,Traceability Lot Code Source Reference,Product Description,Quantity,Unit of Measure',
      ),
    ).toBe(true);
    const total = Object.values(data.data.rows).reduce((a, r) => a + r.length, 0);
    expect(lines.length - 1).toBe(total);
    expect(lines.filter((l) => l.startsWith('Receiving,'))).toHaveLength(1);
  });

  it('FSMA --since: lots received since then but not used yet have their Receiving row; older events are left out', async () => {
    // Two lots received after the plant's last event (one written with an offset), neither used.
    await store.applyEvents([
      { ...receive('rcv-new-1', 'LOT-NEW-1', 'Borealis'), eventTime: '2031-03-01T08:00:00Z' },
      { ...receive('rcv-new-2', 'LOT-NEW-2'), eventTime: '2031-03-02T10:00:00+02:00' },
    ]);
    const r = await generateReport(
      { kind: 'fsma', target: { since: '2031-03-01T00:00:00Z' } },
      { store, audit, out: join(out, 'fsma-since.csv'), lang: 'en', by },
    );
    const d = (JSON.parse(readFileSync(r.dataFile, 'utf8')) as { data: FsmaReportData }).data;
    expect(d.rows.Receiving.map((x) => [x['Traceability Lot Code'], x['Date Received'], x['Reference Document Number']])).toEqual(
      [
        ['LOT-NEW-1', '2031-03-01T08:00:00.000Z', 'rcv-new-1'],
        ['LOT-NEW-2', '2031-03-02T08:00:00.000Z', 'rcv-new-2'],
      ],
    );
    expect(d.rows.Receiving[0]).toMatchObject({ 'Immediate Previous Source Location Description': 'Borealis', Quantity: 100 });
    expect(d.rows.Transformation).toEqual([]);
    expect(d.rows.Shipping).toEqual([]);
    // A later --since leaves the first out.
    const later = await generateReport(
      { kind: 'fsma', target: { since: '2031-03-02T07:59:59Z' } },
      { store, audit, out: join(out, 'fsma-later.csv'), lang: 'en', by },
    );
    const d2 = (JSON.parse(readFileSync(later.dataFile, 'utf8')) as { data: FsmaReportData }).data;
    expect(d2.rows.Receiving.map((x) => x['Traceability Lot Code'])).toEqual(['LOT-NEW-2']);
  });

  it('the CLI writes an audit extract and report verify answers ok, then mismatch with exit status 1', () => {
    const file = join(out, 'cli-audit.pdf');
    const made = cli(['report', 'audit', '--from', '2000-01-01', '--to', '2100-01-01', '--out', file, '--json'], dataDir);
    expect(made.err).toBe('');
    expect(made.code).toBe(0);
    expect(JSON.parse(made.out)).toMatchObject({ kind: 'audit', out: file, format: 'pdf' });
    const ok = cli(['report', 'verify', file], dataDir);
    expect(ok.out).toMatch(/^ok: /);
    expect(ok.code).toBe(0);
    const json = file.replace(/\.pdf$/, '.json');
    writeFileSync(json, readFileSync(json, 'utf8').replace('"kind":"audit"', '"kind":"audiT"'));
    const bad = cli(['report', 'verify', '--json', file], dataDir);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out)).toMatchObject({ ok: false });
    const usage = cli(['report', 'recall', '--out', join(out, 'r.pdf')], dataDir);
    expect(usage.code).toBe(1);
    expect(usage.err).toContain('give either --recall ID');
  }, 240_000); // four `tracegraph` processes, each loading the TypeScript sources
});
