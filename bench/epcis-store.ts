/**
 * The EPCIS event store over a large event log: how long indexing takes, what the index weighs,
 * and how fast typical queries answer. `npx tsx bench/epcis-store.ts [events]` (default 100,000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseQuery, runQuery } from '../api/epcis/query.ts';
import type { CanonicalEvent } from '../core/events.ts';
import { EpcisRepository } from '../ingest/epcis/repository.ts';
import { EventLog } from '../ingest/pipeline/event-log.ts';

const gc = (globalThis as { gc?: () => void }).gc;
const heap = () => {
  gc?.();
  return process.memoryUsage().heapUsed;
};

/** A plant's mix: per unit one print, one reflow, one inspection, a pack every 10; 8 readings per unit. */
function* plant(n: number): Generator<CanonicalEvent> {
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  let i = 0;
  const at = () => new Date(t0 + i * 1000).toISOString();
  for (let u = 0; i < n; u++) {
    const unit = `urn:epc:id:sgtin:4012345.022222.${u}`;
    const lot = `urn:epc:class:lgtin:4012345.055555.L${Math.floor(u / 1000)}`;
    for (let r = 0; r < 8 && i < n; r++, i++)
      yield {
        kind: 'reading',
        eventId: `REFLOW-1:zone${r}_temp:${i}`,
        eventTime: at(),
        equipmentId: 'REFLOW-1',
        parameter: `zone${r}_temp`,
        value: 220 + r,
        uom: 'CEL',
      };
    if (i++ < n)
      yield {
        kind: 'operation',
        eventId: `op:print:${u}`,
        eventTime: at(),
        operationId: `print:${u}`,
        step: 'print',
        station: 'line1-PRINT',
        equipmentId: 'PRINTER-1',
        inputs: [{ id: lot, qty: 0.02, uom: 'KGM' }],
        outputs: [{ id: unit, type: 'unit' }],
      };
    if (i++ < n)
      yield {
        kind: 'operation',
        eventId: `op:reflow:${u}`,
        eventTime: at(),
        operationId: `reflow:${u}`,
        step: 'reflow',
        station: 'line1-REFLOW',
        equipmentId: 'REFLOW-1',
        inputs: [{ id: unit }],
        outputs: [],
      };
    if (i++ < n)
      yield {
        kind: 'inspection',
        eventId: `aoi:${u}`,
        eventTime: at(),
        id: unit,
        result: u % 50 ? 'pass' : 'fail',
        station: 'line1-AOI',
      };
    if (u % 10 === 9 && i++ < n)
      yield {
        kind: 'pack',
        eventId: `pack:${u}`,
        eventTime: at(),
        parent: `urn:epc:id:sscc:4012345.${String(u).padStart(10, '0')}`,
        children: Array.from({ length: 10 }, (_, k) => `urn:epc:id:sgtin:4012345.022222.${u - k}`),
      };
  }
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'tracegraph-epcis-bench-'));
  try {
    const log = await EventLog.open(dir);
    let batch: CanonicalEvent[] = [];
    for (const e of plant(n)) {
      batch.push(e);
      if (batch.length === 20_000) {
        await log.append(batch);
        batch = [];
      }
    }
    await log.append(batch);
    await log.close();

    const before = heap();
    let t = performance.now();
    const cpu = process.cpuUsage();
    const repo = new EpcisRepository(dir);
    await repo.refresh();
    const indexMs = performance.now() - t;
    const { user, system } = process.cpuUsage(cpu);
    const indexBytes = heap() - before;
    console.log(
      `${repo.count()} events indexed in ${(indexMs / 1000).toFixed(1)} s (${((user + system) / 1e6).toFixed(1)} s CPU); index ${(indexBytes / 1e6).toFixed(0)} MB (${Math.round(indexBytes / repo.count())} B/event); rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`,
    );

    const unit = `urn:epc:id:sgtin:4012345.022222.${Math.floor(n / 24)}`;
    const queries = [
      'perPage=100',
      `MATCH_anyEPC=${unit}`,
      'EQ_bizStep=inspecting&perPage=100',
      'EQ_bizStep=inspecting&EQ_disposition=non_conformant&perPage=100',
      `GE_eventTime=2026-01-01T10:00:00Z&LT_eventTime=2026-01-01T11:00:00Z&orderBy=eventTime&perPage=100`,
      'MATCH_anyEPC=urn:epc:idpat:sgtin:4012345.022222.*&eventType=AggregationEvent&perPage=100',
    ];
    for (const q of queries) {
      t = performance.now();
      const parsed = parseQuery(new URLSearchParams(q), repo);
      const answer = runQuery(repo, parsed);
      const body = JSON.stringify(answer.events.map((v) => v.event));
      console.log(
        `${(performance.now() - t).toFixed(1).padStart(8)} ms  ${String(answer.events.length).padStart(4)} events ${String(body.length).padStart(7)} B  ${q}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
