/**
 * The CLI beside a running server (issue 16 §2): `tracegraph serve` holds the embedded graph, and
 * trace, stats, ls and user add still work, with the same output as when the CLI opens the store,
 * by asking the server through `<data>/server.json` (api/local-access.ts). The file is owner-only,
 * gone after a clean exit, ignored when its pid is dead, and its key works from loopback only.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopback, newLocalKey, LOCAL_PRINCIPAL } from '../../api/local-access.ts';
import { Authenticator } from '../../api/auth/authenticate.ts';
import { seedPlant } from '../../bin/commands/seed.ts';
import { KuzuStore } from '../../cypher/kuzu/adapter.ts';
import { EventLog } from '../../ingest/pipeline/event-log.ts';
import { pdfPages } from '../reports/helpers.ts';
import { AuditTrail } from '../../domain/audit/trail.ts';
import { UserStore } from '../../domain/auth/users.ts';
import { runCli, startCli, type RunningCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/stores.ts';

/** The commands compared, each printing what the store holds. */
const COMMANDS = [
  ['trace', 'forward', 'LOT-R-000001', '--json', '--events'],
  ['trace', 'backward', 'SN-0000007'],
  ['stats', '--json'],
  ['stats'],
  ['ls', 'lots', '--prefix', 'LOT-R', '--limit', '4'],
  ['ls', 'lots', '--material', 'resin', '--json', '--limit', '600'],
  ['ls', 'customers'],
  ['ls', 'shipments', '--json'],
  ['ls', 'equipment', '--limit', '3', '--after', 'AOI-1'],
  ['ls', 'recalls', '--json'],
];

/** Reports each path writes, as `tracegraph report <args> --out <dir>/<name>`. */
const REPORTS = [
  ['recall', 'recall.pdf', '--from', 'LOT-R-000001'],
  ['unit', 'unit.pdf', '--id', 'SN-0000007'],
  ['fsma', 'fsma.xlsx', '--from', 'LOT-R-000001'],
] as const;

/** EPCIS documents imported, by the CLI into the store and through the server's capture. */
const EPCIS_FILES = [
  'test/fixtures/gs1-epcis/Example_9.6.4-TransformationEvent.jsonld',
  'test/fixtures/gs1-epcis/Example_9.6.1-ObjectEvent.jsonld',
];

/** What differs between two generations of one report: its id, time and the hash of its data (which holds both). */
function generationFree(text: string, data: { meta: { id: string; generatedAt: string } }, sha256: string): string {
  return text.replaceAll(data.meta.id, '<id>').replaceAll(data.meta.generatedAt, '<time>').replaceAll(sha256, '<sha256>');
}

/** A report as a person reads it: the PDF's text, or every cell of the spreadsheet. */
async function readableText(file: string): Promise<string> {
  // Words and line breaks: pdftotext -layout spaces columns by the widths of the whole page.
  if (file.endsWith('.pdf'))
    return pdfPages(file)
      .join('\f')
      .replace(/[ \t]+/g, ' ');
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(file);
  return book.worksheets.map((w) => `${w.name}\n${JSON.stringify(w.getSheetValues())}`).join('\n');
}

interface ReportJson {
  out: string;
  dataFile: string;
  sha256: string;
  bytes: number;
  pages: number | null;
  kind: string;
  format: string;
  signedBy: string | null;
}

/** An address of this machine that is not loopback, if it has one. */
function externalAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}

describe('the CLI beside a running `tracegraph serve`', () => {
  const data = tempDir();
  const env = { ...process.env, TRACEGRAPH_DATA: data, TRACEGRAPH_NEO4J_URI: '' };
  const alone = new Map<string, string>();
  /** A copy of the data directory taken before the server starts: what the CLI does without a server. */
  const aloneData = tempDir();
  const aloneEnv = { ...env, TRACEGRAPH_DATA: aloneData };
  const outDir = tempDir();
  const aloneImports: { stderr: string; json: string }[] = [];
  let serve: RunningCli | undefined;
  afterAll(() => serve?.kill());

  beforeAll(async () => {
    const store = await KuzuStore.open({ dataDir: data, bufferMb: 64 });
    await seedPlant(store, 600, 1);
    const scope = await store.recallScope({ supplierLots: ['LOT-R-000001'] });
    await store.saveRecall({
      name: 'resin lot 1',
      criteria: { supplierLots: ['LOT-R-000001'] },
      counts: scope.counts,
      createdBy: null,
    });
    await store.close();
    // A server file left by a server that died: ignored, the CLI opens the store itself.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(
      join(data, 'server.json'),
      JSON.stringify({ pid: dead, url: 'http://127.0.0.1:9/graphql', token: newLocalKey() }),
    );
    for (const args of COMMANDS) {
      const r = await runCli(args, { env });
      expect(r.stderr).not.toMatch(/Error|tracegraph: (?!more after)/);
      expect(r.code, r.stderr).toBe(0);
      alone.set(args.join(' '), r.stdout);
    }
    cpSync(data, aloneData, { recursive: true });
    for (const [kind, name, ...args] of REPORTS) {
      const r = await runCli(['report', kind, ...args, '--out', join(outDir, `alone-${name}`), '--json'], { env: aloneEnv });
      expect(r.code, r.stderr).toBe(0);
    }
    // Twice: the second import finds every event already present.
    for (const flags of [[], ['--json']]) {
      const r = await runCli(['import', 'epcis', ...EPCIS_FILES, ...flags], { env: aloneEnv });
      expect(r.code, r.stderr).toBe(0);
      aloneImports.push({ stderr: r.stderr, json: r.stdout });
    }
  }, 600_000);

  it('serve writes an owner-only server.json; trace, stats and ls print what the store printed', async () => {
    serve = startCli(['serve', '--port', '0', '--host', '0.0.0.0'], { env });
    await serve.waitForOutput('GraphQL API at', { timeout: 180_000 });
    const file = join(data, 'server.json');
    const info = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; url: string; token: string };
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(info.pid).toBe(serve.child.pid);
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    // The graph is held: opening it here fails, so every answer below came from the server.
    await expect(KuzuStore.open({ dataDir: data, bufferMb: 64 })).rejects.toThrow(/cannot open the embedded graph/);
    for (const args of COMMANDS) {
      const r = await runCli(args, { env });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout, args.join(' ')).toBe(alone.get(args.join(' ')));
      expect(r.stdout.length).toBeGreaterThan(0);
    }
  }, 600_000);

  it('user add works beside it, and the new key works on the server at once', async () => {
    const info = JSON.parse(readFileSync(join(data, 'server.json'), 'utf8')) as { url: string };
    const r = await runCli(['user', 'add', '--name', 'alice', '--role', 'quality', '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const { key } = JSON.parse(r.stdout) as { key: string };
    const me = await fetch(info.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: '{ me { name role } }' }),
    });
    expect(await me.json()).toEqual({ data: { me: { name: 'alice', role: 'quality' } } });
  }, 120_000);

  it('the local key is refused from the network side', async (ctx) => {
    const info = JSON.parse(readFileSync(join(data, 'server.json'), 'utf8')) as { url: string; token: string };
    const ask = (url: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${info.token}` },
        body: JSON.stringify({ query: '{ me { name role } }' }),
      });
    const local = await ask(info.url);
    expect(await local.json()).toEqual({ data: { me: LOCAL_PRINCIPAL } });
    const ip = externalAddress();
    if (!ip) return ctx.skip('this machine has no address besides loopback');
    const remote = await ask(info.url.replace('127.0.0.1', ip));
    expect(remote.status).toBe(401);
    expect(JSON.stringify(await remote.json())).toMatch(/accepted from this machine only/);
  }, 60_000);

  it('report recall, unit and fsma are generated by the server and written where --out says, as the CLI writes them', async () => {
    for (const [kind, name, ...args] of REPORTS) {
      const local = join(outDir, `alone-${name}`);
      const served = join(outDir, `served-${name}`);
      const r = await runCli(['report', kind, ...args, '--out', served, '--json'], { env });
      expect(r.code, `${kind}: ${r.stderr}`).toBe(0);
      const got = JSON.parse(r.stdout) as ReportJson;
      const dataFile = served.replace(/\.\w+$/, '.json');
      expect(got).toMatchObject({ out: served, dataFile, kind, bytes: statSync(served).size, signedBy: null });
      const data = readFileSync(dataFile);
      expect(got.sha256).toBe(createHash('sha256').update(data).digest('hex'));
      const mine = JSON.parse(readFileSync(local.replace(/\.\w+$/, '.json'), 'utf8')) as {
        meta: { id: string; generatedAt: string };
      };
      const theirs = JSON.parse(data.toString('utf8')) as typeof mine;
      // The same document from the same graph: only the generation's id and time differ (the
      // server names the CLI as the CLI names itself, cli:<account>).
      expect({ ...theirs, meta: { ...theirs.meta, id: '', generatedAt: '' } }).toEqual({
        ...mine,
        meta: { ...mine.meta, id: '', generatedAt: '' },
      });
      const mySha = createHash('sha256')
        .update(readFileSync(local.replace(/\.\w+$/, '.json')))
        .digest('hex');
      expect(generationFree(await readableText(served), theirs, got.sha256)).toBe(
        generationFree(await readableText(local), mine, mySha),
      );
      // The text output is the local path's (bytes and audit entry are this generation's).
      const text = await runCli(['report', kind, ...args, '--out', served], { env });
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toMatch(
        new RegExp(
          `^${served}: ${kind} report RPT-${kind.toUpperCase()}-\\S+${got.pages === null ? '' : `, ${got.pages} pages`}, ${statSync(served).size} bytes\n` +
            `${dataFile}: data, SHA-256 [0-9a-f]{64} \\(audit entry \\d+\\)\n$`,
        ),
      );
      expect((await runCli(['report', 'verify', served], { env })).stdout).toMatch(/^ok: /);
    }
  }, 600_000);

  it("import epcis sends each file to the server's capture and prints what the local import prints", async () => {
    const runs = [];
    for (const flags of [[], ['--json']]) {
      const r = await runCli(['import', 'epcis', ...EPCIS_FILES, ...flags], { env });
      expect(r.code, r.stderr).toBe(0);
      runs.push({ stderr: r.stderr, json: r.stdout });
    }
    expect(runs).toEqual(aloneImports);
    expect(runs[0]!.stderr).toMatch(/TransformationEvent.jsonld: \d+ events, [1-9]\d* new, 0 already present/);
    // The server holds them: its EPCIS query answers them, and a trace through it follows them.
    const info = JSON.parse(readFileSync(join(data, 'server.json'), 'utf8')) as { url: string; token: string };
    const res = await fetch(new URL('/epcis/events?eventType=TransformationEvent', info.url), {
      headers: { authorization: `Bearer ${info.token}` },
    });
    const doc = (await res.json()) as { epcisBody: { queryResults: { resultsBody: { eventList: unknown[] } } } };
    expect(doc.epcisBody.queryResults.resultsBody.eventList).toHaveLength(1);
    const trace = ['trace', 'forward', 'urn:epc:id:sgtin:4012345.011122.25', '--json'];
    const served = await runCli(trace, { env });
    const local = await runCli(trace, { env: aloneEnv });
    expect(served.code, served.stderr).toBe(0);
    expect(served.stdout).toBe(local.stdout);
    expect(served.stdout).toMatch(/urn:epc:class:lgtin:4012345\.011111\.4444|urn:epc:id:sgtin:4012345\.077889/);
  }, 300_000);

  it('import epcis shows a document the server refuses with the exception and the offending part, exit 1', async () => {
    const file = join(tempDir(), 'bad.jsonld');
    const doc = JSON.parse(readFileSync(EPCIS_FILES[1]!, 'utf8')) as { epcisBody: { eventList: Record<string, unknown>[] } };
    delete doc.epcisBody.eventList[0]!.action;
    writeFileSync(file, JSON.stringify(doc));
    const local = await runCli(['import', 'epcis', file], { env: aloneEnv });
    const served = await runCli(['import', 'epcis', file], { env });
    expect(served.code).toBe(1);
    expect(local.code).toBe(1);
    const reason = local.stderr.trim().replace(/^tracegraph: /, '');
    expect(reason).toContain(`${file} eventList[0]`);
    expect(served.stderr.trim()).toBe(`tracegraph: ${reason} (the server's ValidationException, HTTP 400)`);
  }, 120_000);

  it('seed, replay, ingest and import events say what to do beside the server, exit 3', async () => {
    const log = await EventLog.open(data);
    await log.close();
    const file = join(tempDir(), 'one.jsonl');
    writeFileSync(file, '');
    const held =
      /^tracegraph: the embedded graph in \S+ is held by the tracegraph server at http:\/\/127\.0\.0\.1:\d+\/graphql \(pid \d+\)/;
    const cases: [string[], RegExp][] = [
      [['seed', '--units', '10'], /Seed another data directory and serve that one \(tracegraph seed --units 10 --data DIR\)/],
      [
        ['replay'],
        /does not read the event log.*replay a copy of it into another data directory: mkdir -p NEW && cp -a \S+\/log NEW\/ && tracegraph replay --data NEW/,
      ],
      [['ingest', '--mqtt-url', 'mqtt://127.0.0.1:1'], /events go in over its EPCIS capture \(`tracegraph import epcis FILE`/],
      [['import', 'events', file], /EPCIS documents only.*send them as EPCIS documents \(`tracegraph import epcis FILE`\)/],
    ];
    for (const [args, what] of cases) {
      const r = await runCli(args, { env });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(3);
      expect(r.stderr).toMatch(held);
      expect(r.stderr).toMatch(what);
      expect(r.stderr).not.toMatch(/stop the server/i);
    }
  }, 300_000);

  it('a clean exit removes server.json', async () => {
    serve!.child.kill('SIGTERM');
    expect(await serve!.exited).toBe(0);
    expect(existsSync(join(data, 'server.json'))).toBe(false);
  }, 120_000);
});

describe('the local key', () => {
  it("authenticates as the CLI of the server's account (cli:<account>) from loopback addresses only", async () => {
    const dir = tempDir();
    const audit = new AuditTrail(dir);
    const key = newLocalKey();
    const auth = new Authenticator(new UserStore(dir, audit), audit, { localKey: key });
    for (const a of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '127.8.9.10'])
      expect(await auth.authenticate(`Bearer ${key}`, a)).toEqual({ principal: LOCAL_PRINCIPAL });
    for (const a of ['10.0.0.5', '::ffff:192.168.1.2', 'fe80::1', undefined]) {
      expect(isLoopback(a)).toBe(false);
      expect((await auth.authenticate(`Bearer ${key}`, a)).principal).toBeNull();
    }
    // Another server's key, or any key at a server that publishes none.
    expect((await auth.authenticate(`Bearer ${newLocalKey()}`, '127.0.0.1')).principal).toBeNull();
    const none = new Authenticator(new UserStore(dir, audit), audit);
    expect((await none.authenticate(`Bearer ${key}`, '127.0.0.1')).principal).toBeNull();
  });
});
