/**
 * The web app end to end, in Debian's chromium, against a real demo (embedded broker, simulated
 * OPC UA PLC and MQTT stations, Kuzu store, API) started in this process: one demo and one browser
 * for the whole file. Users: `qe` (quality, with a password) and `cs` (customer service, by key).
 * `qe` also acknowledges an alarm on the board, places a hold and downloads report PDFs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { AuditTrail } from '../../domain/audit/trail.ts';
import { UserStore } from '../../domain/auth/users.ts';
import { ensureWebBuild } from '../../api/web/build.ts';
import { startDemo, type Demo } from '../../bin/demo.ts';
import { digitalLinkPath } from '../../core/ids.ts';
import { tempDir } from '../helpers/stores.ts';
import { launchBrowser, seriousViolations, type Browser } from './browser.ts';

const PASSWORD = 'correct horse battery staple';
const PASTE_LOT = 'urn:epc:class:lgtin:4098765.055555.';
const PRODUCT = 'urn:epc:id:sgtin:4012345.011111.';

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, ms: number): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('the web app on a live demo', () => {
  let demo: Demo;
  let browser: Browser;
  let page: Page;
  let base: string;
  let serviceKey: string;
  let unit: string;
  let pasteLot: string;
  const dataDir = tempDir();
  /** What the server printed with console.error while the browser used it (a client leaving is not an error). */
  let serverErrors: MockInstance<typeof console.error>;
  const figures: Record<string, number> = {};

  const api = async <T>(query: string, variables: Record<string, unknown> = {}, key = demo.devKey): Promise<T> => {
    const res = await fetch(demo.apiUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
    if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
    return body.data!;
  };

  /** Clicks `button` and answers the downloaded file's name and bytes. */
  async function downloadOf(click: () => Promise<void>, name: string): Promise<{ file: string; bytes: Buffer }> {
    const download = page.waitForEvent('download', { timeout: 120_000 });
    await click();
    const d = await download;
    const file = join(dataDir, name);
    await d.saveAs(file);
    return { file: d.suggestedFilename(), bytes: readFileSync(file) };
  }

  async function signIn(name: string, password: string): Promise<void> {
    await page.goto(base);
    await page.getByLabel('User name').fill(name);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('who').waitFor();
  }

  beforeAll(async () => {
    serverErrors = vi.spyOn(console, 'error');
    // A fresh clone has no web/dist: build it once here (a no-op when it is current).
    await ensureWebBuild({ write: () => true });
    const users = new UserStore(dataDir, new AuditTrail(dataDir));
    await users.add({ name: 'qe', role: 'quality', password: PASSWORD, by: 'test' });
    serviceKey = await users.add({ name: 'cs', role: 'service', by: 'test' });
    demo = await startDemo({
      port: 0,
      mqttPort: 0,
      dataDir,
      speed: 5,
      devKey: 'tg_dev_web_e2e_0123456789',
      warn: () => undefined,
    });
    base = demo.apiUrl.replace(/\/graphql$/, '');
    browser = await launchBrowser();
    page = await browser.context.newPage();
    // The paste lot of a finished unit (the first units may have been printed before the OPC UA
    // worker was connected, so ask again with the newest unit until one names its paste lot), then
    // a unit made from it that has shipped (its pallet has left): the scope has shipments and customers.
    const seen = new Map<string, number>();
    pasteLot = await waitFor(
      'the paste lot of a finished unit',
      async () => {
        // Finished units as the plant reports them, asked about once they are 20 s old (the pipeline
        // may lag behind the plant on a busy machine), newest first.
        const u = demo.plant.lastFinishedUnit();
        if (u && !seen.has(u)) seen.set(u, Date.now());
        const ripe = [...seen].filter(([, t]) => Date.now() - t > 20_000).map(([id]) => id);
        for (const id of ripe.reverse().slice(0, 3)) {
          seen.delete(id);
          const d = await api<{ unitHistory: { materials: string[] } }>(
            'query($id: ID!) { unitHistory(id: $id) { materials } }',
            {
              id,
            },
          ).catch(() => undefined);
          const lot = d?.unitHistory.materials.find((m) => m.startsWith(PASTE_LOT));
          if (lot) return lot;
        }
        return undefined;
      },
      240_000,
    );
    unit = await waitFor(
      'a shipped unit made from the paste lot',
      async () =>
        (
          await api<{ recallScope: { shippedUnits: { nodes: { id: string }[] } } }>(
            'query($c: RecallCriteria!) { recallScope(criteria: $c) { shippedUnits(first: 1000) { nodes { id } } } }',
            { c: { supplierLots: [pasteLot] } },
          )
        ).recallScope.shippedUnits.nodes.find((n) => n.id.startsWith(PRODUCT))?.id,
      240_000,
    );
  }, 420_000);

  afterAll(async () => {
    if (Object.keys(figures).length) process.stdout.write(`web e2e figures: ${JSON.stringify(figures)}\n`);
    await browser?.close();
    await demo?.close();
    serverErrors?.mockRestore();
  });

  it('signs in with a user name and password and shows what needs attention on the home page', async () => {
    await signIn('qe', PASSWORD);
    await expect(page.getByTestId('who').textContent()).resolves.toContain('qe');
    await page.getByRole('heading', { name: 'What needs attention' }).waitFor();
    // Time to interactive of the home page: a reload with the session, until its data is shown.
    const started = Date.now();
    await page.reload();
    await page.getByRole('heading', { name: /Recalls awaiting approval \d+/ }).waitFor();
    // A figure, not an assertion: the machine may be loaded (performance targets live in the bench).
    figures.homeInteractiveMs = Date.now() - started;
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('scopes a recall from a supplier lot with the counts the API gives', async () => {
    const criteria = { supplierLots: [pasteLot] };
    const q = `query($c: RecallCriteria!) { recallScope(criteria: $c) { counts { units lots shipments customers inStock shipped } } }`;
    const shown = async () =>
      Object.fromEntries(
        await Promise.all(
          ['units', 'lots', 'shipments', 'customers', 'instock', 'shipped'].map(async (k) => [
            k,
            Number((await page.getByTestId(`count-${k}`).textContent())!.replace(/[^\d]/g, '')),
          ]),
        ),
      );
    // The plant keeps making units from the lot: compare a page load with the API read just after it.
    let last: unknown;
    for (let attempt = 0; attempt < 8; attempt++) {
      await page.goto(`${base}/recall?supplierLots=${encodeURIComponent(pasteLot)}`);
      await page.getByTestId('count-units').waitFor();
      const ui = await shown();
      const { counts } = (await api<{ recallScope: { counts: Record<string, number> } }>(q, { c: criteria })).recallScope;
      const fromApi = {
        units: counts.units,
        lots: counts.lots,
        shipments: counts.shipments,
        customers: counts.customers,
        instock: counts.inStock,
        shipped: counts.shipped,
      };
      last = { ui, fromApi };
      if (JSON.stringify(ui) === JSON.stringify(fromApi)) {
        expect(ui.units).toBeGreaterThan(0);
        expect(ui.shipped).toBeGreaterThan(0);
        await expect(page.getByRole('cell', { name: unit }).count()).resolves.toBeGreaterThanOrEqual(0);
        expect(await seriousViolations(page)).toEqual([]);
        return;
      }
    }
    throw new Error(`the page never showed the API's counts: ${JSON.stringify(last)}`);
  });

  it('saves the recall and approves it with an electronic signature (password re-entered)', async () => {
    await page.getByLabel('Recall name').fill('E2E paste lot recall');
    await page.getByRole('button', { name: 'Save recall' }).click();
    const saved = (await page.getByTestId('saved').textContent())!;
    const id = /Saved as (\S+)/.exec(saved)![1]!;
    const row = page.locator(`tr[data-recall="${id}"]`);
    await row.getByRole('button', { name: 'Approve…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Approve recall' });
    await expect(dialog.getByLabel('Printed name').inputValue()).resolves.toBe('qe');
    // A wrong password is refused with the API's message and signs nothing.
    await dialog.getByLabel('Password (entered again)').fill('not my password');
    await dialog.getByRole('button', { name: 'Sign' }).click();
    await dialog.getByRole('alert').waitFor();
    await dialog.getByLabel('Password (entered again)').fill(PASSWORD);
    await dialog.getByRole('button', { name: 'Sign' }).click();
    // Checking the password (scrypt) and writing the signature can take a while on a loaded machine.
    await dialog.waitFor({ state: 'hidden', timeout: 120_000 });
    await expect(row.getByTestId('approvals').textContent()).resolves.toContain('qe (approved');
    const { recalls } = await api<{ recalls: { id: string; approvals: { signer: string; meaning: string }[] }[] }>(
      '{ recalls { id approvals { signer meaning } } }',
    );
    expect(recalls.find((r) => r.id === id)?.approvals).toEqual([{ signer: 'qe', meaning: 'approved' }]);
    // The saved recall's report: written by the API, downloaded with the session's token.
    for (const [lang, label] of [
      ['en', 'English'],
      ['zh', '中文'],
    ] as const) {
      const pdf = await downloadOf(
        () => row.getByRole('button', { name: `Recall report (PDF) ${label}` }).click(),
        `recall-${lang}.pdf`,
      );
      expect(pdf.file).toMatch(/^recall-[0-9a-f-]{36}\.pdf$/);
      expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.bytes.length).toBeGreaterThan(2_000);
    }
    expect(await seriousViolations(page)).toEqual([]);
  }, 300_000);

  it('places a hold on a unit from the holds page', async () => {
    const reason = `e2e hold ${Date.now()}`;
    await page.goto(`${base}/holds`);
    await page.getByLabel('Lots and units (one per line)').fill(unit);
    await page.getByLabel('Reason').fill(reason);
    await page.getByLabel('Also everything made from them').uncheck();
    await page.getByRole('button', { name: 'Place hold' }).click();
    const placed = (await page.getByTestId('hold-placed').textContent())!;
    const id = /Hold (\S+) placed on 1 items/.exec(placed)?.[1];
    expect(id, placed).toBeTruthy();
    await page.getByRole('cell', { name: reason }).waitFor();
    const { holds } = await api<{ holds: { id: string; reason: string; placedBy: string; items: { id: string }[] }[] }>(
      '{ holds(status: active) { id reason placedBy items { id } } }',
    );
    expect(holds.find((h) => h.id === id)).toEqual({ id, reason, placedBy: 'qe', items: [{ id: unit }] });
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('opens the genealogy from a unit, traces its paste lot forward, expands a grouped node and exports a PNG', async () => {
    await page.goto(`${base}/lookup?q=${encodeURIComponent(unit)}`);
    await page.getByRole('link', { name: 'Open its genealogy' }).click();
    await page.getByTestId('graph-ready').waitFor();
    // Find the paste lot in the graph (Enter selects it), then trace forward from it.
    await page.getByLabel('Find in graph').fill(pasteLot);
    await page.getByLabel('Find in graph').press('Enter');
    const started = Date.now();
    await page.getByRole('button', { name: 'Forward from here' }).click();
    await expect.poll(() => page.url()).toContain('dir=DOWN');
    const ready = page.getByTestId('graph-ready');
    await ready.waitFor();
    figures.genealogyInteractiveMs = Date.now() - started;
    figures.genealogyLayoutMs = Number(await ready.getAttribute('data-layout-ms'));
    figures.genealogyFetchMs = Number(await ready.getAttribute('data-fetch-ms'));
    figures.genealogyGroupMs = Number(await ready.getAttribute('data-group-ms'));
    // The layout ran in the Web Worker (the page's Content-Security-Policy allows it: same origin).
    await expect(ready.getAttribute('data-layout-in')).resolves.toBe('worker');
    const before = Number(await ready.getAttribute('data-nodes'));
    figures.genealogyNodesDrawn = before;
    const expand = page.getByTestId('groups').getByRole('button').first();
    await expand.click();
    await expect
      .poll(async () => Number(await page.getByTestId('graph-ready').getAttribute('data-nodes')))
      .toBeGreaterThan(before);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export PNG' }).click();
    const file = join(dataDir, 'genealogy.png');
    await (await download).saveAs(file);
    const png = readFileSync(file);
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.length).toBeGreaterThan(2_000);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('looks up a serial from a raw GS1 scan string with a group separator', async () => {
    const [, gtin, serial] = /^\/01\/(\d{14})\/21\/(.+)$/.exec(digitalLinkPath(unit)!)!;
    // Symbology id ]d2 (DataMatrix), GTIN, serial, FNC1 as GS, then an expiry date.
    const scan = `]d201${gtin}21${decodeURIComponent(serial!)}\u001d17301231`;
    await page.goto(`${base}/lookup`);
    await page.getByTestId('scan-input').fill(scan);
    await page.getByRole('button', { name: 'Look up' }).click();
    await expect(page.getByTestId('unit-id').textContent()).resolves.toBe(unit);
    await page.getByText('read from a GS1 scan').waitFor();
    expect(await page.getByTestId('timeline').locator('li').count()).toBeGreaterThan(2);
    expect(await seriousViolations(page)).toEqual([]);
    const pdf = await downloadOf(() => page.getByRole('button', { name: 'Unit record (PDF) English' }).click(), 'unit.pdf');
    expect(pdf.file).toMatch(/^unit-[0-9a-f-]{36}\.pdf$/);
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('shows a live alarm on the line board when the oven drifts out of spec', async () => {
    // The trends start from the readings of the last quarter hour, not empty at every opening: once
    // each parameter's history has come (no parameter busy), zone3_temp's line has at least the
    // readings the API held before the board opened (far more than its first seconds of live
    // readings would give), and every parameter shows a value.
    const from = new Date(Date.now() - 15 * 60_000).toISOString();
    const held = await waitFor(
      'twenty readings of zone3_temp',
      async () => {
        const { controlChart } = await api<{ controlChart: { points: unknown[] } }>(
          'query($f: String!) { controlChart(equipmentId: "REFLOW-1", parameter: "zone3_temp", from: $f) { points { value } } }',
          { f: from },
        );
        return controlChart.points.length >= 20 ? controlChart.points.length : undefined;
      },
      120_000,
    );
    await page.goto(`${base}/board`);
    await page.getByRole('heading', { name: 'REFLOW-1' }).waitFor();
    const oven = page.locator('section.station', { has: page.getByRole('heading', { name: 'REFLOW-1' }) });
    await expect.poll(() => page.locator('.param[aria-busy="true"]').count(), { timeout: 60_000 }).toBe(0);
    const zone3 = oven.locator('.param', { hasText: 'zone3_temp' }).locator('svg.spark polyline');
    expect((await zone3.getAttribute('points'))!.split(' ').length).toBeGreaterThanOrEqual(Math.min(held, 120));
    expect((await oven.locator('.param .value').allTextContents()).filter((v) => v.trim().startsWith('–'))).toEqual([]);
    const before = await page.locator('[data-alarm]').count();
    demo.plant.injectFault({ equipmentId: 'REFLOW-1', parameter: 'zone3_temp', kind: 'drift', durationMs: 60_000 });
    // The board polls every two minutes: an alarm within a minute came over the subscription.
    const alarm = page.locator('[data-alarm]', { hasText: 'zone3_temp' }).first();
    await alarm.waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-alarm]').count()).toBeGreaterThan(before);
    expect(await seriousViolations(page)).toEqual([]);
    // A quality user acknowledges it from the board, with a comment (the row by its id: a newer
    // alarm may arrive above it meanwhile).
    const alarmId = (await alarm.getAttribute('data-alarm'))!;
    const row = page.locator(`[data-alarm="${alarmId}"]`);
    await row.getByRole('button', { name: 'Acknowledge…' }).click();
    await row.getByLabel('Comment').fill('e2e: oven checked');
    await row.getByRole('button', { name: 'Acknowledge', exact: true }).click();
    // The acknowledgement is a store write: it may wait behind the ingest's batches.
    const acked = row.getByTestId('acked');
    await acked.waitFor({ timeout: 120_000 });
    await expect(acked.textContent()).resolves.toContain('Acknowledged by qe');
    await expect(acked.textContent()).resolves.toContain('e2e: oven checked');
    const { alarms } = await api<{ alarms: { id: string; acknowledgedBy: string | null; ackComment: string | null }[] }>(
      '{ alarms(limit: 1000) { id acknowledgedBy ackComment } }',
    );
    expect(alarms.find((a) => a.id === alarmId)).toEqual({ id: alarmId, acknowledgedBy: 'qe', ackComment: 'e2e: oven checked' });
    expect(await seriousViolations(page)).toEqual([]);
  }, 300_000);

  it('switches to Simplified Chinese, remembers it across a reload, and back', async () => {
    await page.goto(`${base}/`);
    const nav = page.getByRole('navigation');
    await page.getByTestId('language').selectOption('zh');
    await nav.getByRole('link', { name: '召回工作台' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: '需要关注的事项' }).waitFor();
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('zh-CN');
    await page.getByTestId('language').selectOption('en');
    await nav.getByRole('link', { name: 'Recall workbench' }).waitFor();
  });

  it('serves a unit’s Digital Link page without sign-in, with no operator, equipment or customer on it', async () => {
    const path = digitalLinkPath(unit)!;
    const { unitHistory } = await api<{
      unitHistory: {
        operations: { operator: string | null; equipment: string | null }[];
        shipments: { customer: string | null }[];
      };
    }>('query($id: ID!) { unitHistory(id: $id) { operations { operator equipment } shipments { customer } } }', { id: unit });
    const hidden = [
      ...unitHistory.operations.flatMap((o) => [o.operator, o.equipment]),
      ...unitHistory.shipments.map((s) => s.customer),
    ].filter((x): x is string => !!x);
    expect(hidden.length).toBeGreaterThan(2);
    // A new tab holds no session (the sign-in lives in the other tab's sessionStorage).
    const p = await browser.context.newPage();
    const res = await fetch(`${base}${path}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const h of hidden) expect(html).not.toContain(h);
    expect(html).toContain('Quality inspection');
    await p.goto(`${base}${path}`);
    await p.getByRole('heading', { level: 1 }).waitFor();
    const text = await p.locator('body').innerText();
    for (const h of hidden) expect(text).not.toContain(h);
    expect(await seriousViolations(p)).toEqual([]);
    await p.close();
    const linkset = await fetch(`${base}${path}`, { headers: { accept: 'application/linkset+json' } });
    expect(linkset.headers.get('content-type')).toBe('application/linkset+json');
    const body = (await linkset.json()) as { linkset: { anchor: string }[] };
    expect(body.linkset[0]!.anchor).toBe(`${base}${path}`);
    const unknown = await fetch(`${base}${path.replace(/21\/.*$/, '21/NO-SUCH-SERIAL')}`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).not.toMatch(/urn:epc|sgtin/);
  });

  it('shows a customer service key no recall or hold actions', async () => {
    await page.goto(base);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('tab', { name: 'API key' }).click();
    await page.getByLabel('API key').fill(serviceKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('who').textContent()).resolves.toContain('cs');
    const nav = page.getByRole('navigation', { name: 'Pages' });
    await expect(nav.getByRole('link').allTextContents()).resolves.toEqual(['Home', 'Serial lookup']);
    await page.goto(`${base}/recall?supplierLots=${encodeURIComponent(pasteLot)}`);
    await page.getByText('Your role may not open this page.').waitFor();
    for (const name of ['Save recall', 'Approve…', 'Hold the scope', 'Release…'])
      expect(await page.getByRole('button', { name }).count()).toBe(0);
    for (const path of ['/board', '/holds']) {
      await page.goto(`${base}${path}`);
      await page.getByText('Your role may not open this page.').waitFor();
      for (const name of ['Acknowledge…', 'Place hold', 'Release…'])
        expect(await page.getByRole('button', { name }).count()).toBe(0);
    }
    await page.goto(`${base}/lookup?q=${encodeURIComponent(unit)}`);
    await expect(page.getByTestId('unit-id').textContent()).resolves.toBe(unit);
    expect(await page.getByRole('link', { name: 'Open its genealogy' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /report|record/i }).count()).toBe(0);
    // The server refuses what the page does not offer.
    await expect(
      api('mutation($i: [ID!]!) { placeHold(items: $i, reason: "no") { id } }', { i: [unit] }, serviceKey),
    ).rejects.toThrow(/role service may not use Mutation.placeHold/);
  });

  it('left the server nothing to log while pages came and went (requests the browser gave up on included)', () => {
    expect(serverErrors.mock.calls.map((c) => c.map(String).join(' '))).toEqual([]);
  });
});
