/**
 * `node --import tsx scripts/web-bench.ts [--units N] [--data DIR]`: the web app's time to
 * interactive on a seeded plant (default 1,000,000 units, kept in DIR between runs, default
 * .bench/web-<N>): the home page after a reload with a session, and the genealogy page of a whole
 * forward trace of a typical supplier lot (how many elements it draws; how long the API's answer,
 * the grouping and the layout take; the first run also reads the store's in-memory caches).
 * The plant is loaded with the bench's loader (bench/run.ts, large batches: about a minute per
 * 1,000,000 units, against 25 minutes for `tracegraph seed`). Debian's chromium; the figures go to
 * stdout as one JSON line.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { createApiServer } from '../api/server.ts';
import { ensureWebBuild } from '../api/web/build.ts';
import { expectedEvents, loadStore } from '../bench/plant.ts';
import { median } from '../bench/stats.ts';
import { KuzuStore } from '../cypher/kuzu/adapter.ts';
import { typicalSupplierLots } from '../ingest/seed/plant.ts';

const { values } = parseArgs({
  options: { units: { type: 'string', default: '1000000' }, data: { type: 'string' }, runs: { type: 'string', default: '3' } },
});
const units = Number(values.units);
const runs = Number(values.runs);
const dir = values.data ?? join('.bench', `web-${units}`);
const KEY = 'tg_dev_web_bench_0123456789';

await ensureWebBuild();
const fresh = !existsSync(dir);
let store = await KuzuStore.open({ dataDir: dir, bufferMb: 4096 });
if (fresh) {
  await loadStore(dir, store, { units, seed: 1 }, expectedEvents(units));
  await store.close();
  store = await KuzuStore.open({ dataDir: dir, bufferMb: 4096 });
}
const server = await createApiServer({ store, port: 0, dataDir: dir, devKey: KEY });
const base = server.url.replace(/\/graphql$/, '');
const lot = typicalSupplierLots({ units, seed: 1 }, 1)[0]!;
const profile = mkdtempSync(join(tmpdir(), 'tracegraph-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.TRACEGRAPH_CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1400, height: 900 },
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
  ],
});
try {
  const page = await context.newPage();
  await page.goto(base);
  await page.getByRole('tab', { name: 'API key' }).click();
  await page.getByLabel('API key').fill(KEY);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('who').waitFor();
  const home: number[] = [];
  const genealogy: number[] = [];
  const layout: number[] = [];
  const fetchMs: number[] = [];
  const groupMs: number[] = [];
  let drawn = { nodes: 0, edges: 0 };
  let total = 0;
  for (let i = 0; i < runs; i++) {
    let t = Date.now();
    await page.goto(`${base}/`);
    await page.getByRole('heading', { name: /Recalls awaiting approval \d/ }).waitFor({ timeout: 120_000 });
    home.push(Date.now() - t);
    t = Date.now();
    await page.goto(`${base}/genealogy?id=${encodeURIComponent(lot)}&dir=DOWN&depth=20`);
    const ready = page.getByTestId('graph-ready');
    await ready.waitFor({ timeout: 300_000 });
    genealogy.push(Date.now() - t);
    layout.push(Number(await ready.getAttribute('data-layout-ms')));
    fetchMs.push(Number(await ready.getAttribute('data-fetch-ms')));
    groupMs.push(Number(await ready.getAttribute('data-group-ms')));
    drawn = { nodes: Number(await ready.getAttribute('data-nodes')), edges: Number(await ready.getAttribute('data-edges')) };
    total = Number(/of ([\d,]+)/.exec((await ready.textContent()) ?? '')?.[1]?.replace(/,/g, '') ?? 0);
  }
  process.stdout.write(
    `${JSON.stringify({ units, lot, runs, homeInteractiveMs: median(home), genealogyInteractiveMs: median(genealogy), layoutMs: median(layout), fetchMs: median(fetchMs), groupMs: median(groupMs), drawn, genealogyNodes: total, home, genealogy, fetch: fetchMs, group: groupMs, layout })}\n`,
  );
} finally {
  await context.close();
  await server.close();
  await store.close();
  rmSync(profile, { recursive: true, force: true });
}
