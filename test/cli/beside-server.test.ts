/**
 * The CLI beside a running server (issue 16 §2): `tracegraph serve` holds the embedded graph, and
 * trace, stats, ls and user add still work, with the same output as when the CLI opens the store,
 * by asking the server through `<data>/server.json` (api/local-access.ts). The file is owner-only,
 * gone after a clean exit, ignored when its pid is dead, and its key works from loopback only.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopback, newLocalKey, LOCAL_PRINCIPAL } from '../../api/local-access.ts';
import { Authenticator } from '../../api/auth/authenticate.ts';
import { seedPlant } from '../../bin/commands/seed.ts';
import { KuzuStore } from '../../cypher/kuzu/adapter.ts';
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

  it('a command that needs the graph itself names the server that holds it', async () => {
    const file = join(tempDir(), 'one.jsonl');
    writeFileSync(file, '');
    const r = await runCli(['import', 'events', file], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/held by the tracegraph server at http:\/\/127\.0\.0\.1:\d+\/graphql \(pid \d+\)/);
  }, 120_000);

  it('a clean exit removes server.json', async () => {
    serve!.child.kill('SIGTERM');
    expect(await serve!.exited).toBe(0);
    expect(existsSync(join(data, 'server.json'))).toBe(false);
  }, 120_000);
});

describe('the local key', () => {
  it('authenticates as local-cli from loopback addresses only', async () => {
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
