/**
 * `tracegraph bench --sections audit`: audit trail pages on a large trail, the indexed query
 * (AuditTrail.query) beside a scan of the file from the start (scanQuery, the query before the
 * index), interleaved in one run. Medians in ms.
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  AuditTrail,
  entryHash,
  GENESIS_HASH,
  scanQuery,
  type AuditPage,
  type AuditQuery,
  type JsonValue,
} from '../domain/audit/trail.ts';
import { median } from './stats.ts';

export interface AuditBenchOptions {
  entries: number;
  runs: number;
}

const ACTORS = Array.from({ length: 40 }, (_, i) => `user-${i}`);

/** A chained trail shaped like a server's: mostly mutations and logins, a few signatures. */
async function writeTrail(path: string, n: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const out = createWriteStream(path);
  let prevHash = GENESIS_HASH;
  const t0 = Date.UTC(2026, 0, 1);
  for (let seq = 1; seq <= n; seq++) {
    const action = seq % 97 === 0 ? 'signature' : seq % 5 === 0 ? 'login' : 'mutation';
    const details: { [k: string]: JsonValue } =
      action === 'mutation'
        ? { operationName: 'Hold', fields: [{ field: 'placeHold', args: { ids: [`LOT-${seq}`], reason: 'suspect' } }], ok: true }
        : action === 'signature'
          ? { meaning: 'approved', role: 'quality' }
          : { method: 'password', ok: true };
    const body = {
      seq,
      time: new Date(t0 + seq * 1000).toISOString(),
      actor: ACTORS[seq % ACTORS.length]!,
      action,
      ...(action === 'signature' ? { target: `recall:R-${seq % 300}` } : action === 'mutation' ? { target: 'placeHold' } : {}),
      details,
      prevHash,
    };
    const line = JSON.stringify({ ...body, hash: (prevHash = entryHash(body)) }) + '\n';
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

export async function runAuditBench(opts: AuditBenchOptions): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tracegraph-audit-bench-'));
  try {
    const trail = new AuditTrail(dir);
    let t = performance.now();
    await writeTrail(trail.path, opts.entries);
    process.stderr.write(`audit bench: wrote ${opts.entries} entries in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
    const n = opts.entries;
    const cases: [string, AuditQuery][] = [
      ['last page (first: 50, after: n-50)', { first: 50, after: n - 50 }],
      ['middle page (first: 50, after: n/2)', { first: 50, after: Math.floor(n / 2) }],
      ['one actor, late (actor, after: n-5000)', { first: 50, actor: 'user-7', after: n - 5000 }],
      ['signatures on one recall (first: 500)', { first: 500, action: 'signature', target: 'recall:R-42' }],
      ['first page (first: 50)', { first: 50 }],
      ['last hour (from)', { first: 50, from: new Date(Date.UTC(2026, 0, 1) + (n - 3600) * 1000).toISOString() }],
    ];
    // The index's heap: measured between two full collections (gc is not exposed by default).
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const heap0 = process.memoryUsage().heapUsed;
    t = performance.now();
    await trail.query({ first: 1 }); // builds the index: read once
    const buildMs = performance.now() - t;
    gc();
    const heapMb = (process.memoryUsage().heapUsed - heap0) / 1024 / 1024;
    const rows = [];
    const timed = async (run: () => Promise<AuditPage>) => {
      await run(); // one untimed run
      gc(); // a scan's garbage is not collected on the indexed query's time, nor the other way round
      const times: number[] = [];
      let page: AuditPage | undefined;
      for (let i = 0; i < opts.runs; i++) {
        const t0 = performance.now();
        page = await run();
        times.push(performance.now() - t0);
      }
      return { ms: median(times), page: page! };
    };
    for (const [name, q] of cases) {
      const scan = await timed(() => scanQuery(trail.path, q));
      const indexed = await timed(() => trail.query(q));
      if (JSON.stringify(scan.page) !== JSON.stringify(indexed.page))
        throw new Error(`audit bench: ${name}: the index and the scan disagree`);
      rows.push({ case: name, scanMs: scan.ms, indexedMs: indexed.ms });
    }
    // An append by another handle (another process in practice), then a page: the catch-up reads the new bytes only.
    const other = new AuditTrail(dir);
    const appendThenQuery: number[] = [];
    for (let i = 0; i < opts.runs; i++) {
      await other.append({ actor: 'bench', action: 'export', target: 'report' });
      t = performance.now();
      await trail.query({ first: 50, after: n - 50 + i });
      appendThenQuery.push(performance.now() - t);
    }
    console.log(`\nAudit trail: ${n} entries, median of ${opts.runs} runs, ms`);
    console.log(`index built on first query: ${buildMs.toFixed(0)} ms, ~${heapMb.toFixed(0)} MB of heap`);
    console.log('| query | scan from the start (before) | indexed (after) |');
    console.log('|---|---:|---:|');
    for (const r of rows) console.log(`| ${r.case} | ${r.scanMs.toFixed(2)} | ${r.indexedMs.toFixed(2)} |`);
    console.log(`| last page after another handle appended | – | ${median(appendThenQuery).toFixed(2)} |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
