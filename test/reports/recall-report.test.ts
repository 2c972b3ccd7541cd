/** The recall report and the frame every PDF report shares, read back with pdftotext and checked against the store. */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail } from '../../domain/audit/trail.ts';
import type { GraphStore, RecallRecord, RecallScopeResult } from '../../cypher/port.ts';
import { typicalSupplierLots } from '../../ingest/seed/plant.ts';
import { sha256 } from '../../reports/document.ts';
import { generateReport, type GeneratedReport } from '../../reports/generate.ts';
import type { FigureBox, GenealogyFigure } from '../../reports/genealogy-figure.ts';
import { verifyReport } from '../../reports/verify.ts';
import { tempDir } from '../helpers/stores.ts';
import { darkPixelsOfFirstPage, pdfPages, seededStore } from './helpers.ts';

const UNITS = 400;
const n = (x: number) => x.toLocaleString('en-US');

describe('recall report', () => {
  let store: GraphStore;
  let audit: AuditTrail;
  let dataDir: string;
  const out = tempDir('tracegraph-recall-report-');
  const lot = typicalSupplierLots({ units: UNITS }, 1)[0]!;
  let scope: RecallScopeResult;
  let saved: RecallRecord;
  let en: GeneratedReport;
  let enPages: string[];

  beforeAll(async () => {
    ({ store, dataDir } = await seededStore(UNITS));
    audit = new AuditTrail(dataDir);
    scope = await store.recallScope({ supplierLots: [lot] });
    saved = await store.saveRecall({
      name: 'Cracked housings',
      criteria: { supplierLots: [lot] },
      counts: scope.counts,
      createdBy: 'qe.alice',
    });
    // What approveRecall writes once the password has been checked again.
    await audit.append({
      actor: 'qa.bob',
      action: 'signature',
      target: `recall:${saved.id}`,
      details: { meaning: 'approved', role: 'quality' },
    });
    en = await generateReport(
      { kind: 'recall', target: { recall: saved.id } },
      {
        store,
        audit,
        out: join(out, 'recall.pdf'),
        lang: 'en',
        by: 'qe.alice',
        timeZone: 'Europe/Berlin',
        now: new Date('2026-12-05T10:30:00Z'),
      },
    );
    enPages = pdfPages(en.out);
  });
  afterAll(() => store?.close());

  it('prints the units, lots, shipments and customers the store scopes, and every unit id', () => {
    expect(scope.counts.units).toBeGreaterThan(20);
    const text = enPages.join('\n');
    expect(text).toMatch(new RegExp(`Units in scope\\s+${n(scope.counts.units)}\\n`));
    expect(text).toMatch(new RegExp(`In distribution \\(shipped\\)\\s+${n(scope.counts.shipped)}\\n`));
    expect(text).toMatch(new RegExp(`In stock \\(not shipped\\)\\s+${n(scope.counts.inStock)}\\n`));
    expect(text).toMatch(new RegExp(`Shipments\\s+${scope.counts.shipments}\\n`));
    expect(text).toContain(`Units (${n(scope.units.length)})`);
    for (const u of scope.units) expect(text).toContain(u);
    for (const l of scope.lots) expect(text).toContain(l);
    // Each shipment with its customer and units, as recallScope counts them.
    for (const s of scope.shipments) expect(text).toMatch(new RegExp(`${s.shipment}\\s+${s.customer}\\s+${s.units}\\s+2026-`));
  });

  it('gives every consignee the units and shipments of the scope, with ship dates', () => {
    const text = enPages.join('\n');
    const byCustomer = new Map<string, { shipments: number; units: number }>();
    for (const s of scope.shipments) {
      const c = byCustomer.get(s.customer!) ?? { shipments: 0, units: 0 };
      c.shipments++;
      c.units += s.units;
      byCustomer.set(s.customer!, c);
    }
    expect([...byCustomer.keys()].sort()).toEqual(scope.customers);
    for (const [customer, c] of byCustomer)
      expect(text).toMatch(new RegExp(`${customer}\\s+${c.shipments}\\s+${n(c.units)}\\s+2026-\\d\\d-\\d\\dT\\S+\\s+2026-`));
  });

  it('states the reason, the suspect lot with its supplier, precision against the naive scope, creator and approval', () => {
    const text = enPages.join('\n');
    expect(text).toContain('Cracked housings');
    expect(text).toContain(`supplierLots: ${lot}`);
    expect(text).toMatch(new RegExp(`${lot}\\s+[A-Z]+\\s+\\S`));
    expect(text).toMatch(new RegExp(`Units a recall without genealogy\\s+${n(scope.naive.units)}`));
    expect(text).toMatch(new RegExp(`Units spared\\s+${n(scope.spared)}\\n`));
    expect(text).toContain(scope.precision.toFixed(3));
    expect(text).toMatch(/Created by\s+qe\.alice/);
    // Signature manifestation: printed name, role, date and time with zone, meaning.
    expect(text).toMatch(/qa\.bob\s+quality\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z\s+approved/);
    expect(scope.production?.from).toMatch(/^2026-/);
    expect(text).toMatch(new RegExp(`Produced from\\s+${scope.production!.from!.replace(/\./g, '\\.')}\\n`));
  });

  it("draws the genealogy figure: suspect lot -> lots -> units by lot -> shipments -> customers, with the scope's numbers", () => {
    const doc = JSON.parse(readFileSync(en.dataFile, 'utf8')) as { data: { figure: GenealogyFigure } };
    const fig = doc.data.figure;
    expect(fig.columns.suspect.map((b) => b.label)).toEqual([lot]);
    const sum = (boxes: FigureBox[]) => boxes.reduce((a, b) => a + (b.units ?? 0), 0);
    // Every unit of the scope is in exactly one unit group; shipments and customers carry the shipped units.
    expect(sum(fig.columns.units)).toBe(scope.counts.units);
    expect(fig.columns.units.reduce((a, b) => a + b.members, 0)).toBe(scope.counts.units);
    expect(sum(fig.columns.customers)).toBe(scope.shipments.reduce((a, s) => a + s.units, 0));
    expect(fig.columns.customers.map((b) => b.label).sort()).toEqual(scope.customers);
    expect(fig.columns.suspect[0]!.units).toBe(scope.counts.units);
    for (const col of Object.values(fig.columns)) expect(col.length).toBeLessThanOrEqual(8);
    // Each column links to the next, and the links into the customers carry their units.
    const ids = (c: FigureBox[]) => new Set(c.map((b) => b.id));
    const into = (c: FigureBox[]) => fig.links.filter((l) => ids(c).has(l.to));
    expect(into(fig.columns.units).length).toBeGreaterThan(0);
    expect(into(fig.columns.shipments).reduce((a, l) => a + l.units, 0)).toBe(sum(fig.columns.customers));
    expect(into(fig.columns.customers).reduce((a, l) => a + l.units, 0)).toBe(sum(fig.columns.customers));
    // On the page: its heading, column titles and box labels as text.
    const page = enPages.find((p) => p.includes('Genealogy: from the suspect material to the customers'))!;
    for (const title of ['Suspect lots', 'Lots made from them', 'Units by lot', 'Shipments', 'Customers'])
      expect(page).toContain(title);
    for (const b of [...fig.columns.suspect, ...fig.columns.customers]) expect(page).toContain(b.label);
  });

  it('carries the report id, generation time with zone, user, page N of M and the data hash on every page', () => {
    expect(en.pages).toBe(enPages.length);
    expect(enPages.length).toBeGreaterThan(1);
    const hash = sha256(readFileSync(en.dataFile));
    expect(en.sha256).toBe(hash);
    enPages.forEach((page, i) => {
      expect(page).toContain(`Page ${i + 1} of ${enPages.length}`);
      expect(page).toContain(`Data SHA-256: ${hash}`);
      expect(page).toContain(en.id);
      expect(page).toContain('2026-12-05T11:30:00+01:00 (Europe/Berlin)');
      expect(page).toContain('qe.alice');
    });
  });

  it('writes the data file as canonical JSON (sorted keys) holding what the PDF shows', () => {
    const text = readFileSync(en.dataFile, 'utf8');
    const doc = JSON.parse(text) as { meta: { id: string; kind: string }; data: { units: string[]; counts: unknown } };
    expect(Object.keys(doc)).toEqual(['data', 'meta']);
    expect(doc.meta).toMatchObject({ id: en.id, kind: 'recall' });
    expect(doc.data.units).toEqual(scope.units);
    expect(doc.data.counts).toEqual(scope.counts);
    expect(text).not.toContain('\n');
  });

  it('verify says ok for the report as written, and mismatch once one byte of FILE.json changes', async () => {
    expect(await verifyReport(en.out)).toMatchObject({ ok: true, reason: null });
    const original = readFileSync(en.dataFile);
    const changed = Buffer.from(original);
    const at = changed.indexOf(Buffer.from(scope.units[0]!)) + 3; // a digit of the first serial
    changed[at] = changed[at] === 0x30 ? 0x31 : 0x30;
    writeFileSync(en.dataFile, changed);
    try {
      const r = await verifyReport(en.out);
      expect(r.ok).toBe(false);
      expect(r.reason).toContain('the report prints');
      expect(r.printed).toHaveLength(enPages.length);
    } finally {
      writeFileSync(en.dataFile, original);
    }
    expect((await verifyReport(en.out)).ok).toBe(true);
  });

  it('records the generation in the audit trail with kind, target and hash', async () => {
    const { entries } = await audit.query({ first: 100, action: 'report.generate' });
    const e = entries.find((x) => x.seq === en.auditSeq);
    expect(e).toMatchObject({
      actor: 'qe.alice',
      target: `recall:${saved.id}`,
      details: { kind: 'recall', reportId: en.id, sha256: en.sha256, format: 'pdf', file: 'recall.pdf' },
    });
    expect((await audit.verify()).ok).toBe(true);
  });

  it('renders a Chinese report whose text extracts as Chinese and whose first page is not blank', async () => {
    const zh = await generateReport(
      { kind: 'recall', target: { from: [lot] } },
      { store, audit, out: join(out, 'recall-zh.pdf'), lang: 'zh', by: 'qe.alice', timeZone: 'Asia/Shanghai' },
    );
    const pages = pdfPages(zh.out);
    const text = pages.join('\n');
    for (const term of ['召回报告', '产品标识', '可疑批次', '追溯单元', '收货方', '报告编号']) expect(text).toContain(term);
    expect(pages[0]).toContain(`第 1 页，共 ${pages.length} 页`);
    expect(text).toMatch(new RegExp(`召回范围内的追溯单元\\s+${n(scope.counts.units)}\\n`));
    expect(text).toContain('(Asia/Shanghai)');
    expect((await verifyReport(zh.out)).ok).toBe(true);
    const { dark, total } = darkPixelsOfFirstPage(zh.out);
    expect(dark / total).toBeGreaterThan(0.01);
    // The CJK font is subset to the glyphs used: the whole font is 2.5 MB unwrapped.
    expect(statSync(zh.out).size).toBeLessThan(300_000);
  });

  it('refuses an unknown saved recall with NOT_FOUND and says what to give instead', async () => {
    await expect(
      generateReport(
        { kind: 'recall', target: { recall: 'RCL-nope' } },
        { store, audit, out: join(out, 'x.pdf'), lang: 'en', by: 't' },
      ),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('--from') });
  });
});
