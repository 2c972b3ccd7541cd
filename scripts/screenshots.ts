/**
 * `npm run screenshots`: starts the demo plant in a temporary directory, waits until units have
 * shipped and the oven has drifted (an alarm), then saves a PNG of every page of the web app into
 * docs/images/ (the README shows them). Uses Debian's chromium (TRACEGRAPH_CHROMIUM to override).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { AuditTrail } from '../domain/audit/trail.ts';
import { UserStore } from '../domain/auth/users.ts';
import { ensureWebBuild } from '../api/web/build.ts';
import { startDemo } from '../bin/demo.ts';
import { digitalLinkPath } from '../core/ids.ts';

const OUT = fileURLToPath(new URL('../docs/images/', import.meta.url));
const PASSWORD = 'screenshots only 0123';
const PASTE_LOT = 'urn:epc:class:lgtin:4098765.055555.';
const PRODUCT = 'urn:epc:id:sgtin:4012345.011111.';

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe().catch((e: Error) => {
      if (process.env.TRACEGRAPH_DEBUG) process.stderr.write(`${what}: ${e.message}\n`);
      return undefined;
    });
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

const nodeOpcua = await import('node-opcua');
nodeOpcua.setWarningLogger(() => undefined);
nodeOpcua.setErrorLogger(() => undefined);
await ensureWebBuild();
mkdirSync(OUT, { recursive: true });
const dataDir = mkdtempSync(join(tmpdir(), 'tracegraph-screenshots-'));
await new UserStore(dataDir, new AuditTrail(dataDir)).add({
  name: 'qe.li',
  role: 'quality',
  password: PASSWORD,
  by: 'screenshots',
});
const demo = await startDemo({ port: 0, mqttPort: 0, dataDir, speed: 5, warn: () => undefined });
const base = demo.apiUrl.replace(/\/graphql$/, '');
const api = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
  const res = await fetch(demo.apiUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.devKey}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data!;
};
const profile = mkdtempSync(join(tmpdir(), 'tracegraph-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.TRACEGRAPH_CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 800 },
  locale: 'en-GB',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
  ],
});
try {
  process.stdout.write(`demo at ${base}; waiting for shipped units ...\n`);
  // The paste lot of a finished unit (the first units may have been printed before the OPC UA
  // worker was connected, so ask again with the newest unit until one names its paste lot).
  const seen = new Map<string, number>();
  const lot = await until(
    'the paste lot of a finished unit',
    async () => {
      // Finished units as the plant reports them, asked about once they are 20 s old (the pipeline
      // may lag behind the plant on a busy machine), newest first.
      const u = demo.plant.lastFinishedUnit();
      if (u && !seen.has(u)) seen.set(u, Date.now());
      const ripe = [...seen].filter(([, t]) => Date.now() - t > 20_000).map(([id]) => id);
      for (const id of ripe.reverse().slice(0, 3)) {
        seen.delete(id);
        const d = await api<{ unitHistory: { materials: string[] } }>('query($id: ID!) { unitHistory(id: $id) { materials } }', {
          id,
        }).catch(() => undefined);
        const lot = d?.unitHistory.materials.find((m) => m.startsWith(PASTE_LOT));
        if (lot) return lot;
      }
      return undefined;
    },
    240_000,
  );
  const unit = await until(
    'a shipped unit',
    async () =>
      (
        await api<{ recallScope: { shippedUnits: { nodes: { id: string }[] } } }>(
          'query($c: RecallCriteria!) { recallScope(criteria: $c) { shippedUnits(first: 1000) { nodes { id } } } }',
          { c: { supplierLots: [lot] } },
        )
      ).recallScope.shippedUnits.nodes.find((n) => n.id.startsWith(PRODUCT))?.id,
    240_000,
  );
  demo.plant.injectFault({ equipmentId: 'REFLOW-1', parameter: 'zone3_temp', kind: 'drift', durationMs: 3_600_000 }); // simulated ms: minutes at --speed 5
  await api('mutation($c: RecallCriteria!) { createRecall(criteria: $c, name: "Paste lot supplier notice") { id } }', {
    c: { supplierLots: [lot] },
  });
  await api(
    'mutation($i: [ID!]!) { placeHold(items: $i, reason: "Supplier notice SN-42: paste viscosity", includeDownstream: true) { id } }',
    {
      i: [lot],
    },
  );
  await until(
    'an alarm',
    async () => ((await api<{ alarms: unknown[] }>('{ alarms { id } }')).alarms.length ? true : undefined),
    90_000,
  );

  const page = await context.newPage();
  page.setDefaultTimeout(120_000); // the build machine is often loaded
  const shot = async (name: string) => {
    await page.waitForTimeout(1200);
    await page.screenshot({ path: join(OUT, `${name}.png`) });
    process.stdout.write(`docs/images/${name}.png\n`);
  };
  await page.goto(base);
  await shot('sign-in');
  await page.getByLabel('User name').fill('qe.li');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: /Recalls awaiting approval \d/ }).waitFor();
  await shot('home');
  await page.goto(`${base}/recall?supplierLots=${encodeURIComponent(lot)}`);
  await page.getByTestId('count-units').waitFor();
  await shot('recall');
  await page.getByRole('button', { name: 'Approve…' }).first().click();
  await page.getByLabel('Password (entered again)').fill(PASSWORD);
  await shot('recall-signature');
  await page.keyboard.press('Escape');
  await page.goto(`${base}/genealogy?id=${encodeURIComponent(lot)}&dir=DOWN`);
  await page.getByTestId('graph-ready').waitFor();
  await page.getByTestId('groups').getByRole('button').first().click();
  await shot('genealogy');
  await page.goto(`${base}/lookup?q=${encodeURIComponent(unit)}`);
  await page.getByTestId('unit-id').waitFor();
  await shot('serial-lookup');
  await page.goto(`${base}/board`);
  await page.locator('[data-alarm]').first().waitFor({ timeout: 60_000 });
  await page.waitForTimeout(8000); // a few readings for the trends
  // The acknowledge form, opened and filled in (not sent: the alarm stays open on the picture).
  await page.locator('[data-alarm]').first().getByRole('button', { name: 'Acknowledge…' }).click();
  await page.getByLabel('Comment').fill('Oven zone 3 checked: thermocouple reseated');
  await shot('line-board');
  await page.goto(`${base}/analytics`);
  await page.locator('.chart svg').first().waitFor();
  await shot('analytics');
  await page.goto(`${base}/holds`);
  await page.getByRole('cell', { name: /Supplier notice/ }).waitFor();
  await shot('holds');
  await page.goto(`${base}/audit`);
  await page.getByRole('cell', { name: 'hold.place' }).first().waitFor();
  await shot('audit');
  await page.goto(`${base}/`);
  await page.getByTestId('language').selectOption('zh');
  await page.getByRole('heading', { name: '需要关注的事项' }).waitFor();
  await shot('home-zh');
  await page.getByTestId('language').selectOption('en');
  const phone = await context.newPage();
  await phone.setViewportSize({ width: 390, height: 760 });
  await phone.goto(`${base}${digitalLinkPath(unit)}`);
  await phone.waitForTimeout(500);
  await phone.screenshot({ path: join(OUT, 'digital-link.png') });
  process.stdout.write('docs/images/digital-link.png\n');
} finally {
  await context.close();
  await demo.close();
  rmSync(profile, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
}
