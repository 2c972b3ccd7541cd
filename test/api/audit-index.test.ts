/**
 * Audit trail queries through the index (domain/audit/trail-index.ts): the same answers as a scan of
 * the whole file, entries appended by other handles and processes in the next query, and a
 * rewritten file re-indexed.
 */
import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditTrail, entryHash, GENESIS_HASH, scanQuery, type AuditEntry, type AuditQuery } from '../../domain/audit/trail.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/stores.ts';

/** Entries chained as append() would chain them, without an fsync each. */
function chain(rows: Pick<AuditEntry, 'actor' | 'action' | 'target' | 'time'>[], from = 0, prev = GENESIS_HASH): AuditEntry[] {
  return rows.map((r, i) => {
    const body = { seq: from + i + 1, ...r, prevHash: prev };
    const e = { ...body, hash: entryHash(body) };
    prev = e.hash;
    return e;
  });
}

function writeTrail(trail: AuditTrail, entries: AuditEntry[], extra = ''): void {
  mkdirSync(dirname(trail.path), { recursive: true });
  writeFileSync(trail.path, entries.map((e) => JSON.stringify(e) + '\n').join('') + extra);
}

const ACTORS = ['ann', 'bob', 'cli:root', 'anonymous'];
const ACTIONS = ['login', 'mutation', 'signature', 'export'];
const time = (i: number) => new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString();
const row = (i: number) => ({
  actor: ACTORS[(i * 7) % 4]!,
  action: ACTIONS[(i * 3 + (i >> 2)) % 4]!,
  target: i % 5 === 0 ? undefined : `recall:R${i % 3}`,
  time: time(i),
});

describe('audit trail index', () => {
  it('answers every filter and page exactly as a scan of the whole file', async () => {
    const trail = new AuditTrail(tempDir());
    const entries = chain(Array.from({ length: 300 }, (_, i) => row(i)));
    // An edited line and a line that is no entry, as a scan skips them, and a last line without its newline.
    const lines = entries.map((e) => JSON.stringify(e));
    lines[40] = 'not json';
    lines[41] = JSON.stringify({ ...entries[41], seq: 'x' });
    mkdirSync(dirname(trail.path), { recursive: true });
    writeFileSync(trail.path, lines.slice(0, 299).join('\n') + '\n' + lines[299]);
    const queries: AuditQuery[] = [];
    for (const first of [1, 7, 50, Infinity])
      for (const after of [undefined, 0, 39, 41, 150, 298, 299, 300, 1000])
        for (const [actor, action, target] of [
          [undefined, undefined, undefined],
          ['bob', undefined, undefined],
          [undefined, 'signature', undefined],
          ['ann', 'login', undefined],
          [undefined, 'signature', 'recall:R1'],
          ['nobody', undefined, undefined],
          [undefined, undefined, 'recall:none'],
        ])
          for (const [from, to] of [
            [undefined, undefined],
            [time(100), undefined],
            [undefined, time(120)],
            [time(100), time(120)],
            [time(400), undefined],
          ])
            queries.push({ first, after, actor, action, target, from, to });
    for (const q of queries) expect(await trail.query(q), JSON.stringify(q)).toEqual(await scanQuery(trail.path, q));
  });

  it('pages from near the end to the end, and past it', async () => {
    const trail = new AuditTrail(tempDir());
    writeTrail(trail, chain(Array.from({ length: 120 }, (_, i) => row(i))));
    const seen: number[] = [];
    let after = 95;
    for (;;) {
      const page = await trail.query({ first: 10, after });
      seen.push(...page.entries.map((e) => e.seq));
      if (!page.hasNextPage) break;
      after = page.entries.at(-1)!.seq;
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => 96 + i));
    expect(await trail.query({ first: 5, after: 115 })).toMatchObject({ hasNextPage: false });
    expect((await trail.query({ first: 5, after: 115 })).entries.map((e) => e.seq)).toEqual([116, 117, 118, 119, 120]);
    expect(await trail.query({ first: 5, after: 120 })).toEqual({ entries: [], hasNextPage: false });
    const last = await trail.query({ first: 3, after: 110, action: 'signature' });
    expect(last).toEqual(await scanQuery(trail.path, { first: 3, after: 110, action: 'signature' }));
  });

  it('shows entries appended by another handle in the next query', async () => {
    const dir = tempDir();
    const server = new AuditTrail(dir);
    const other = new AuditTrail(dir);
    await server.append({ actor: 'ann', action: 'login' });
    expect((await server.query({ first: 10 })).entries.map((e) => e.actor)).toEqual(['ann']);
    await other.append({ actor: 'bob', action: 'user.add', target: 'carl' });
    await other.append({ actor: 'bob', action: 'export', target: 'recall:R1' });
    expect((await server.query({ first: 10, actor: 'bob' })).entries.map((e) => [e.seq, e.action])).toEqual([
      [2, 'user.add'],
      [3, 'export'],
    ]);
    expect((await server.query({ first: 10, target: 'recall:R1' })).entries.map((e) => e.seq)).toEqual([3]);
  });

  it('shows a user added by `tracegraph user add` in another process in the next query', async () => {
    const dir = tempDir();
    const trail = new AuditTrail(dir);
    await trail.append({ actor: 'ann', action: 'login' });
    expect((await trail.query({ first: 10, action: 'user.add' })).entries).toEqual([]);
    const { code } = await runCli(['user', 'add', '--name', 'carl', '--role', 'quality', '--data', dir], {
      env: { ...process.env, TRACEGRAPH_NEO4J_URI: '' },
    });
    expect(code).toBe(0);
    const { entries } = await trail.query({ first: 10, action: 'user.add' });
    expect(entries).toMatchObject([{ seq: 2, action: 'user.add', target: 'carl' }]);
    expect(await trail.query({ first: 10 })).toEqual(await scanQuery(trail.path, { first: 10 }));
  }, 120_000);

  it('re-indexes a file that was cut short, rewritten in place or replaced', async () => {
    const trail = new AuditTrail(tempDir());
    const a = chain(Array.from({ length: 30 }, (_, i) => row(i)));
    writeTrail(trail, a);
    expect((await trail.query({ first: 100 })).entries).toHaveLength(30);

    // cut short and appended to: the same seqs at other offsets
    const b = chain(Array.from({ length: 12 }, (_, i) => ({ ...row(i), actor: 'zed' })));
    writeTrail(trail, b);
    expect(await trail.query({ first: 100 })).toEqual({ entries: b, hasNextPage: false });
    expect((await trail.query({ first: 100, actor: 'ann' })).entries).toEqual([]);

    // rewritten longer, every line changed (the old last line's bytes differ)
    const c = chain(Array.from({ length: 40 }, (_, i) => ({ ...row(i), actor: 'yves' })));
    writeTrail(trail, c);
    expect(await trail.query({ first: 100, actor: 'yves' })).toEqual({ entries: c, hasNextPage: false });

    // an entry in the middle edited, same length (the last line intact): found when read
    const edited = c.map((e) => (e.seq === 20 ? { ...e, actor: 'xavi' } : e));
    writeTrail(trail, edited);
    const page = await trail.query({ first: 5, after: 17 });
    expect(page.entries.map((e) => e.actor)).toEqual(['yves', 'yves', 'xavi', 'yves', 'yves']);
    expect((await trail.query({ first: 100, actor: 'xavi' })).entries.map((e) => e.seq)).toEqual([20]);

    // another file renamed over it
    const d = chain(Array.from({ length: 40 }, (_, i) => ({ ...row(i), action: 'replaced' })));
    const tmp = `${trail.path}.new`;
    writeFileSync(tmp, d.map((e) => JSON.stringify(e) + '\n').join(''));
    renameSync(tmp, trail.path);
    expect((await trail.query({ first: 100, action: 'replaced' })).entries).toEqual(d);

    // appends after a rewrite are indexed on top of it
    const more = chain([{ ...row(99), action: 'later' }], 40, d.at(-1)!.hash);
    appendFileSync(trail.path, JSON.stringify(more[0]) + '\n');
    expect((await trail.query({ first: 100, after: 39 })).entries).toEqual([d.at(-1), more[0]]);
  });

  it('shows a last line still being written once it is complete, and an empty trail when the file goes', async () => {
    const trail = new AuditTrail(tempDir());
    const e = chain([row(0), row(1)]);
    const second = JSON.stringify(e[1]);
    writeTrail(trail, [e[0]!], second.slice(0, 20));
    expect((await trail.query({ first: 10 })).entries.map((x) => x.seq)).toEqual([1]);
    appendFileSync(trail.path, second.slice(20) + '\n');
    expect((await trail.query({ first: 10 })).entries.map((x) => x.seq)).toEqual([1, 2]);
    writeFileSync(trail.path, '');
    expect(await trail.query({ first: 10 })).toEqual({ entries: [], hasNextPage: false });
  });
});
