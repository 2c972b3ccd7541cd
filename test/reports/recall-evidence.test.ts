/** The recall report's evidence: out-of-spec readings, failed inspections and alarms, where the criteria name them. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KuzuStore } from '../../cypher/kuzu/adapter.ts';
import type { GraphStore, RecallCriteria } from '../../cypher/port.ts';
import { AuditTrail } from '../../domain/audit/trail.ts';
import { generateReport } from '../../reports/generate.ts';
import type { RecallReportData } from '../../reports/recall.ts';
import { at } from '../helpers/events.ts';
import { tempDir } from '../helpers/stores.ts';
import { recallPlant } from '../store/recall-fixtures.ts';
import { pdfPages } from './helpers.ts';

describe('recall report evidence', () => {
  let store: GraphStore;
  let audit: AuditTrail;
  const out = tempDir('tracegraph-recall-evidence-');

  beforeAll(async () => {
    const dataDir = tempDir();
    store = await KuzuStore.open({ dataDir, bufferMb: 64 });
    await store.applyEvents(recallPlant());
    audit = new AuditTrail(dataDir);
    await store.openAlarm({
      id: 'A-1',
      rule: 'spec',
      status: 'open',
      equipmentId: 'MIXER-1',
      parameter: 'temperature',
      value: 80,
      limit: 70,
      lsl: 55,
      usl: 70,
      uom: 'Cel',
      recipeId: null,
      specVersion: 1,
      raisedAt: at(15),
      readingEventId: 't15',
      clearedAt: null,
      clearValue: null,
      message: 'temperature 80 Cel above 70',
    });
  });
  afterAll(() => store?.close());

  async function report(name: string, criteria: RecallCriteria) {
    const scope = await store.recallScope(criteria);
    const saved = await store.saveRecall({ name, criteria, counts: scope.counts, createdBy: 'qe' });
    const r = await generateReport(
      { kind: 'recall', target: { recall: saved.id } },
      { store, audit, out: join(out, `${name}.pdf`), lang: 'en', by: 'qe' },
    );
    const data = (JSON.parse(readFileSync(r.dataFile, 'utf8')) as { data: RecallReportData }).data;
    return { text: pdfPages(r.out).join('\n'), data, scope };
  }

  it('an out-of-spec parameter lists the readings outside the limits and the alarm on that equipment', async () => {
    const { text, data, scope } = await report('hot-mixer', {
      parameter: { equipmentId: 'MIXER-1', name: 'temperature', min: 55, max: 70 },
    });
    expect(scope.units).toEqual(['U3', 'U4']);
    expect(data.evidence.outOfSpecReadings).toEqual([
      { equipment: 'MIXER-1', parameter: 'temperature', value: 80, uom: 'Cel', time: at(15) },
    ]);
    expect(text).toContain('Out-of-spec readings (1)');
    expect(text).toMatch(new RegExp(`${at(15).replace(/\./g, '\\.')}\\s+MIXER-1\\s+temperature\\s+80 Cel`));
    expect(text).toContain('Alarms (1)');
    expect(text).toMatch(/MIXER-1\s+temperature\s+80\s+\[55, 70\]\s+open/);
    expect(text).not.toContain('Failed inspections');
  });

  it('a defect code lists the failed inspections naming it, and no readings', async () => {
    const { text, data } = await report('seal', { defectCode: 'D-SEAL' });
    expect(data.evidence.failedInspections.map((i) => [i.item, i.result, i.defects])).toEqual([['U3', 'fail', ['D-SEAL']]]);
    expect(text).toContain('Failed inspections (1)');
    expect(text).toMatch(/U3\s+fail\s+D-SEAL/);
    expect(text).not.toContain('Out-of-spec readings');
  });

  it('a material names its received lots as the suspect lots', async () => {
    const { data, scope } = await report('hardener', { material: 'hardener' });
    const received = [];
    for (const l of scope.lots) {
      const r = await store.itemRecord(l);
      if (r?.item.material === 'hardener' && r.item.receivedAt) received.push(l);
    }
    expect(received.length).toBeGreaterThan(0);
    expect(data.evidence.suspectLots.map((l) => l.id)).toEqual(received.sort());
  });
});
