/** `tracegraph ingest --opcua-config` as an operator runs it: a real OPC UA server, a stop with SIGTERM, the graph afterwards. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOpcuaMapping } from '../../ingest/opcua/config.ts';
import { readLog } from '../../ingest/pipeline/event-log.ts';
import { freePort, startTagServer, tagNodeId, type TagServer } from '../../ingest/simulator/tag-server.ts';
import { ROOT, runCli, startCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/stores.ts';
import { waitFor } from '../helpers/wait.ts';

const PASTE = 'urn:epc:class:lgtin:4098765.055555.SP-1';
const BOARD = 'urn:epc:id:sgtin:4012345.022222.1001';

describe('tracegraph ingest with an OPC UA mapping', () => {
  let server: TagServer | undefined;
  afterAll(() => server?.stop());

  it('the example mapping file is valid', () => {
    const m = loadOpcuaMapping(join(ROOT, 'examples/opcua-mapping.json'));
    expect(m.endpoints[0]).toMatchObject({
      securityMode: 'SignAndEncrypt',
      user: 'tracegraph',
      passwordEnv: 'LINE1_PLC_PASSWORD',
    });
  });

  it('says which field of a broken mapping file is wrong', async () => {
    const dir = tempDir();
    const file = join(dir, 'mapping.json');
    writeFileSync(file, JSON.stringify({ endpoints: [{ url: 'http://plc:4840', readings: [{ nodeId: 'ns=1;s=T' }] }] }));
    const r = await runCli(['ingest', '--opcua-config', file, '--data', dir], {
      env: { ...process.env, TRACEGRAPH_NEO4J_URI: '', TRACEGRAPH_MQTT_URL: '' },
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/OPC UA mapping file .*mapping\.json: endpoints\.0\.url: must be an opc\.tcp:\/\/ URL/);
  });

  it('turns PLC cycles into operations in the graph and writes them all before it stops', async () => {
    const pki = tempDir('tracegraph-opcua-pki-');
    server = await startTagServer({
      port: await freePort(),
      pkiDir: pki,
      tags: [
        { name: 'Count', type: 'UInt32', initial: 0 },
        { name: 'Serial', type: 'String' },
        { name: 'Paste', type: 'String' },
        { name: 'Temp', type: 'Double', initial: 20 },
      ],
    });
    const data = tempDir();
    const file = join(data, 'mapping.json');
    writeFileSync(
      file,
      JSON.stringify({
        pkiDir: join(pki, 'client'),
        endpoints: [
          {
            url: server.endpoint,
            name: 'plc1',
            publishingIntervalMs: 100,
            readings: [{ nodeId: tagNodeId('Temp'), equipmentId: 'OVEN-1', parameter: 'temp', samplingIntervalMs: 100 }],
            operations: [
              {
                counterNodeId: tagNodeId('Count'),
                serialNodeId: tagNodeId('Serial'),
                step: 'print',
                station: 'P1',
                inputs: [{ nodeId: tagNodeId('Paste') }],
              },
            ],
          },
        ],
      }),
    );
    const env = { ...process.env, TRACEGRAPH_NEO4J_URI: '', TRACEGRAPH_MQTT_URL: '' };
    const ingest = startCli(['ingest', '--opcua-config', file, '--data', data], { env });
    await ingest.waitForOutput('ingesting from OPC UA');
    const logged = async () => {
      const kinds: string[] = [];
      for await (const { event } of readLog(data)) kinds.push(event.kind);
      return kinds;
    };
    // The first reading (the initial value) shows that the subscription is live.
    await waitFor('the first reading', async () => (await logged()).includes('reading'), 60_000);
    server.set('Paste', PASTE);
    server.set('Serial', BOARD);
    server.set('Count', 1);
    await waitFor('the operation in the event log', async () => (await logged()).includes('operation'), 60_000);
    ingest.child.kill('SIGTERM');
    expect(await ingest.exited).toBe(0);
    const trace = await runCli(['trace', 'backward', '--json', BOARD, '--data', data], { env });
    expect(JSON.parse(trace.stdout)).toMatchObject({ lots: [PASTE] });
    // Three CLI processes, a certificate to create and node-opcua to load: slow on a busy 2-core machine.
  }, 240_000);
});
