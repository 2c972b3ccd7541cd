/** The audit trail file: chaining, concurrent writers in one and several processes, torn lines, verification. */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditTrail, canonicalJson, entryHash, GENESIS_HASH } from '../../domain/audit/trail.ts';
import { tempDir } from '../helpers/stores.ts';

const ROOT = resolve(import.meta.dirname, '../..');

describe('audit trail', () => {
  it('hashes canonical JSON: key order does not matter, every value does', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[1,{"x":1,"y":2}]},"b":1}');
    const e = { seq: 1, time: 't', actor: 'a', action: 'x', prevHash: GENESIS_HASH };
    expect(entryHash(e)).toBe(entryHash({ prevHash: GENESIS_HASH, action: 'x', actor: 'a', time: 't', seq: 1 }));
    expect(entryHash(e)).not.toBe(entryHash({ ...e, actor: 'b' }));
    expect(entryHash(e)).not.toBe(entryHash({ ...e, prevHash: '1'.repeat(64) }));
  });

  it('chains concurrent appends in one process without gaps', async () => {
    const trail = new AuditTrail(tempDir());
    const other = new AuditTrail(join(trail.path, '../..')); // a second handle on the same file
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? trail : other).append({ actor: 'a', action: 'x', details: { i } })),
    );
    const { entries } = await trail.query({ first: 100 });
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(await trail.verify()).toEqual({ ok: true, entries: 40, lastHash: entries[39]!.hash });
  });

  it('chains appends from several processes at once (the server and the CLI)', async () => {
    const dir = tempDir();
    const script = join(dir, 'append.mts');
    writeFileSync(
      script,
      `import { AuditTrail } from ${JSON.stringify(join(ROOT, 'domain/audit/trail.ts'))};
       const t = new AuditTrail(process.argv[2]);
       for (let i = 0; i < 20; i++) await t.append({ actor: 'child-' + process.pid, action: 'x' });`,
    );
    const child = () =>
      new Promise<number | null>((ok) =>
        spawn(process.execPath, ['--import', 'tsx', script, dir], { cwd: ROOT, stdio: 'inherit' }).once('exit', ok),
      );
    const trail = new AuditTrail(dir);
    const mine = (async () => {
      for (let i = 0; i < 20; i++) await trail.append({ actor: 'parent', action: 'x' });
    })();
    expect(await Promise.all([child(), child(), mine])).toEqual([0, 0, undefined]);
    expect(await trail.verify()).toMatchObject({ ok: true, entries: 60 });
  }, 120_000);

  it('takes over a lock left by a process that died holding it', async () => {
    const trail = new AuditTrail(tempDir());
    await trail.append({ actor: 'a', action: 'one' });
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => dead.once('exit', r));
    writeFileSync(`${trail.path}.lock`, String(dead.pid));
    expect((await trail.append({ actor: 'a', action: 'two' })).seq).toBe(2);
    expect(existsSync(`${trail.path}.lock`)).toBe(false);
  });

  it('cuts off a torn last line, records the cut, and stays verifiable', async () => {
    const trail = new AuditTrail(tempDir());
    await trail.append({ actor: 'a', action: 'one' });
    appendFileSync(trail.path, '{"seq":2,"time":"2026-');
    expect(await trail.verify()).toMatchObject({ ok: false, brokenAt: { seq: 2, line: 2 } });
    const e = await trail.append({ actor: 'a', action: 'two' });
    expect(e.seq).toBe(3);
    const { entries } = await trail.query({ first: 10 });
    expect(entries.map((x) => [x.seq, x.action, x.details])).toEqual([
      [1, 'one', undefined],
      [2, 'audit.repair', { discardedTornBytes: 22 }],
      [3, 'two', undefined],
    ]);
    expect(await trail.verify()).toMatchObject({ ok: true, entries: 3 });
  });

  it('refuses to append after a last line that is not an entry (someone edited the file)', async () => {
    const trail = new AuditTrail(tempDir());
    await trail.append({ actor: 'a', action: 'one' });
    appendFileSync(trail.path, 'garbage\n');
    await expect(trail.append({ actor: 'a', action: 'two' })).rejects.toMatchObject({ code: 'AUDIT_BROKEN' });
    expect(await trail.verify()).toMatchObject({
      ok: false,
      entries: 1,
      brokenAt: { seq: 2, line: 2, reason: expect.stringMatching(/not JSON/) },
    });
  });

  it('verify names an entry whose hash was recomputed after an edit by the next entry', async () => {
    const trail = new AuditTrail(tempDir());
    for (let i = 0; i < 4; i++) await trail.append({ actor: 'a', action: `a${i}` });
    const lines = readFileSync(trail.path, 'utf8').trimEnd().split('\n');
    const e = JSON.parse(lines[1]!) as Parameters<typeof entryHash>[0] & { hash: string };
    e.actor = 'mallory';
    e.hash = entryHash(e); // a careful forger re-hashes the entry...
    lines[1] = JSON.stringify(e);
    writeFileSync(trail.path, lines.join('\n') + '\n');
    // ...and the next entry no longer links to it
    expect(await trail.verify()).toMatchObject({
      ok: false,
      entries: 2,
      brokenAt: { seq: 3, line: 3, reason: expect.stringMatching(/hash of entry 2/) },
    });
  });
});
