/** `tracegraph replay` and `tracegraph deadletters`, run as a user runs them (embedded store). */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KuzuStore } from '../../cypher/kuzu/adapter.ts';
import { Pipeline } from '../../ingest/pipeline/pipeline.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/stores.ts';
import { PLANT, scan } from './fixtures.ts';

/** The real CLI on one data directory, on the embedded store. */
const env = (dataDir: string) => ({ ...process.env, TRACEGRAPH_DATA: dataDir, TRACEGRAPH_NEO4J_URI: '' });

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
    const replay = await runCli(['replay', '--json'], { env: env(dir) });
    expect(replay.stderr).toBe('');
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ seen: 5, applied: 5, duplicates: 0 });
    const again = await runCli(['replay'], { env: env(dir) });
    expect(again.stderr).toContain('replayed 5 events: 0 new, 5 already present');
    const fwd = await runCli(['trace', 'forward', '--json', 'LOT-A'], { env: env(dir) });
    expect(JSON.parse(fwd.stdout)).toMatchObject(before);

    const dl = await runCli(['deadletters', '--json'], { env: env(dir) });
    expect(dl.code).toBe(0);
    expect(JSON.parse(dl.stdout)).toEqual([
      expect.objectContaining({ source: 'line-2', reason: expect.stringMatching(/^not valid JSON/), raw: expect.any(String) }),
      expect.objectContaining({ source: 'line-2', reason: expect.stringMatching(/unknown kind "teleport"/) }),
    ]);
    const text = (await runCli(['deadletters'], { env: env(dir) })).stdout;
    expect(text).toContain('2 dead letter(s)');
    expect(text).toContain('not json at all');
  });

  it('says so when there is no log to replay', async () => {
    const r = await runCli(['replay'], { env: env(tempDir()) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no event log in .*log/);
  });
});
