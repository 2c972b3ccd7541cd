/** `tracegraph replay` and `tracegraph deadletters`, run as a user runs them (embedded store). */
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KuzuStore } from '../../cypher/kuzu/adapter.ts';
import { Pipeline } from '../../ingest/pipeline/pipeline.ts';
import { tempDir } from '../helpers/stores.ts';
import { PLANT, scan } from './fixtures.ts';

const ROOT = resolve(import.meta.dirname, '../..');

function cli(args: string[], dataDir: string) {
  const env = { ...process.env, TRACEGRAPH_DATA: dataDir, TRACEGRAPH_NEO4J_URI: '' };
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/tracegraph.js'), ...args], { encoding: 'utf8', env, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('tracegraph replay / deadletters', () => {
  it('rebuilds a deleted embedded graph from the log, and lists the dead letters', async () => {
    const dir = tempDir();
    const store = await KuzuStore.open({ dataDir: dir, bufferMb: 64 });
    const p = new Pipeline({ dataDir: dir, store, batchWindowMs: 10, warn: () => undefined });
    await p.start();
    await p.submit('line-1', [...PLANT, scan(1)]);
    await p.submit('line-2', 'not json at all, and quite a long payload that goes on past eighty characters for sure');
    await p.submit('line-2', { ...scan(2), kind: 'teleport' });
    await p.flush();
    const before = await store.traceForward(['LOT-A']);
    await p.close();
    await store.close();

    for (const f of readdirSync(dir)) if (f.startsWith('graph.kuzu')) rmSync(join(dir, f), { recursive: true, force: true });
    const replay = cli(['replay', '--json'], dir);
    expect(replay.err).toBe('');
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.out)).toMatchObject({ seen: 5, applied: 5, duplicates: 0 });
    const again = cli(['replay'], dir);
    expect(again.err).toContain('replayed 5 events: 0 new, 5 already present');
    const fwd = cli(['trace', 'forward', '--json', 'LOT-A'], dir);
    expect(JSON.parse(fwd.out)).toMatchObject(before);

    const dl = cli(['deadletters', '--json'], dir);
    expect(dl.code).toBe(0);
    expect(JSON.parse(dl.out)).toEqual([
      expect.objectContaining({ source: 'line-2', reason: expect.stringMatching(/^not valid JSON/), raw: expect.any(String) }),
      expect.objectContaining({ source: 'line-2', reason: expect.stringMatching(/unknown kind "teleport"/) }),
    ]);
    const text = cli(['deadletters'], dir).out;
    expect(text).toContain('2 dead letter(s)');
    expect(text).toContain('not json at all');
  });

  it('says so when there is no log to replay', () => {
    const r = cli(['replay'], tempDir());
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no event log in .*log/);
  });
});
