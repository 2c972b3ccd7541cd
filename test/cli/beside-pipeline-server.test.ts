/**
 * The CLI beside a server that runs the ingest pipeline itself, as the demo does: its server.json
 * says so, `replay` has nothing to do, and `import epcis` goes through the capture, which hands
 * the events to the pipeline (so the summary gives the EPCIS counts, not the graph's).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../../api/server.ts';
import { KuzuStore } from '../../cypher/kuzu/adapter.ts';
import type { GraphStore } from '../../cypher/port.ts';
import { Pipeline } from '../../ingest/pipeline/pipeline.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/stores.ts';

const FILE = 'test/fixtures/gs1-epcis/Example_9.6.4-TransformationEvent.jsonld';

describe('the CLI beside a server that applies the event log itself (the demo)', () => {
  const data = tempDir();
  const env = { ...process.env, TRACEGRAPH_DATA: data, TRACEGRAPH_NEO4J_URI: '' };
  let store: GraphStore;
  let pipeline: Pipeline;
  let server: ApiServer;

  beforeAll(async () => {
    store = await KuzuStore.open({ dataDir: data, bufferMb: 64 });
    pipeline = new Pipeline({ dataDir: data, store, warn: () => undefined, batchWindowMs: 20 });
    await pipeline.start();
    server = await createApiServer({ store, port: 0, dataDir: data, pipeline, publishLocalAccess: true });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await pipeline?.close();
    await store?.close();
  });

  it('server.json says it applies the event log', () => {
    expect(JSON.parse(readFileSync(join(data, 'server.json'), 'utf8'))).toMatchObject({ appliesEventLog: true });
  });

  it('import epcis goes through the capture into the pipeline, and replay has nothing to do', async () => {
    const r = await runCli(['import', 'epcis', FILE], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      new RegExp(
        `^${FILE}: 1 EPCIS events, 1 new, sent to http://127\\.0\\.0\\.1:\\d+/graphql, whose pipeline writes them to the graph\\n$`,
      ),
    );
    await pipeline.flush();
    expect(await store.traceEvents(['urn:epc:id:sgtin:4012345.011122.25'], 'forward')).not.toHaveLength(0);
    // The capture wrote the event log (the pipeline logs first), so there is a log to replay.
    const replay = await runCli(['replay'], { env });
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stderr).toMatch(
      /^nothing to do: the tracegraph server at http:\/\/127\.0\.0\.1:\d+\/graphql \(pid \d+\) applies the event log in \S+ itself\n$/,
    );
    const events = await runCli(['import', 'events', FILE], { env });
    expect(events.code).toBe(3);
    expect(events.stderr).toMatch(/or publish each line to this server's MQTT broker on tracegraph\/v1\//);
  }, 300_000);
});
