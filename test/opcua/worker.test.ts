/**
 * The OPC UA worker against a real node-opcua server (the simulator's tag server), a real Pipeline
 * and the embedded store: readings with deadbands, cycle counters that complete operations, scan
 * tags, bad values in the dead letters, a server restart, and a user/password login over an
 * encrypted channel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatusCodes } from 'node-opcua';
import type { GraphStore } from '../../cypher/port.ts';
import { parseOpcuaMapping, type OpcuaMappingInput } from '../../ingest/opcua/config.ts';
import { startOpcuaWorker, type OpcuaWorker } from '../../ingest/opcua/worker.ts';
import { listDeadLetters } from '../../ingest/pipeline/dead-letters.ts';
import { Pipeline } from '../../ingest/pipeline/pipeline.ts';
import { freePort, startTagServer, tagNodeId, type TagServer, type TagSpec } from '../../ingest/simulator/tag-server.ts';
import { backends, tempDir } from '../helpers/stores.ts';
import { waitFor } from '../helpers/wait.ts';

const kuzu = backends().find((b) => b.name === 'kuzu')!;

const TAGS: TagSpec[] = [
  { name: 'Oven.Zone1', type: 'Double', initial: 0 },
  { name: 'Oven.Mode', type: 'String', initial: 'auto' },
  { name: 'Print.Count', type: 'UInt32', initial: 0 },
  { name: 'Print.Serial', type: 'String' },
  { name: 'Print.PasteLot', type: 'String' },
  { name: 'Print.Operator', type: 'String' },
  { name: 'AOI.Code', type: 'String' },
  { name: 'Reflow.Count', type: 'UInt32', initial: 0 },
  { name: 'Reflow.Serial', type: 'String' },
];

/** The reflow oven's dwell: a board counted out now went in this long ago. */
const REFLOW_CYCLE_MS = 45_000;

const PASTE = 'urn:epc:class:lgtin:4012345.012345.P-77';
const serial = (n: number) => `urn:epc:id:sgtin:4012345.077889.${n}`;

function mapping(url: string, pkiDir: string, extra: Partial<OpcuaMappingInput['endpoints'][number]> = {}): OpcuaMappingInput {
  return {
    pkiDir,
    endpoints: [
      {
        url,
        name: 'line1',
        publishingIntervalMs: 100,
        readings: [
          {
            nodeId: tagNodeId('Oven.Zone1'),
            equipmentId: 'OVEN-1',
            parameter: 'zone1_temp',
            uom: 'Cel',
            samplingIntervalMs: 100,
            deadband: 0.5,
          },
          { nodeId: tagNodeId('Oven.Mode'), equipmentId: 'OVEN-1', parameter: 'mode', samplingIntervalMs: 100 },
        ],
        operations: [
          {
            counterNodeId: tagNodeId('Print.Count'),
            serialNodeId: tagNodeId('Print.Serial'),
            operatorNodeId: tagNodeId('Print.Operator'),
            step: 'print',
            station: 'PRINT-1',
            equipmentId: 'PRINTER-1',
            inputs: [{ nodeId: tagNodeId('Print.PasteLot'), qty: 0.02, uom: 'kg' }, { id: 'PCB-BLANK-LOT-9' }],
          },
          {
            // A station the board passes through: it is the operation's input, processed in place.
            counterNodeId: tagNodeId('Reflow.Count'),
            serialNodeId: tagNodeId('Reflow.Serial'),
            serialRole: 'input',
            step: 'reflow',
            station: 'REFLOW-1',
            equipmentId: 'REFLOW-1',
            cycleTimeMs: REFLOW_CYCLE_MS,
          },
        ],
        scans: [{ nodeId: tagNodeId('AOI.Code'), station: 'AOI-1', step: 'aoi' }],
        ...extra,
      },
    ],
  };
}

describe('OPC UA worker with a node-opcua server and the embedded store', () => {
  let server: TagServer;
  let port: number;
  let store: GraphStore;
  let dataDir: string;
  let pki: string;
  let pipeline: Pipeline;
  let worker: OpcuaWorker;
  const warnings: string[] = [];
  const counts = () => pipeline.counters['opcua:line1'] ?? { accepted: 0, rejected: 0, applied: 0, duplicates: 0 };
  const readings = async () => {
    await pipeline.flush();
    return (await store.stats()).nodes.Reading ?? 0;
  };

  beforeAll(async () => {
    port = await freePort();
    pki = tempDir('tracegraph-opcua-pki-');
    server = await startTagServer({ port, pkiDir: pki, tags: TAGS });
    store = await kuzu.open();
    dataDir = tempDir();
    pipeline = new Pipeline({ dataDir, store, warn: () => undefined, batchWindowMs: 20 });
    await pipeline.start();
    worker = startOpcuaWorker({
      config: parseOpcuaMapping(mapping(server.endpoint, `${pki}/client`)),
      pipeline,
      reconnectMinMs: 200,
      reconnectMaxMs: 1000,
      warn: (m) => warnings.push(m),
    });
    await worker.ready;
  });

  afterAll(async () => {
    await worker?.close();
    await pipeline?.close();
    await server?.stop();
    await kuzu.release();
  });

  it('turns tag changes into readings, leaving out changes within the deadband', async () => {
    // The initial value (0) arrives first; wait for it so the counts below are exact.
    await waitFor('the initial reading', async () => (await readings()) === 1);
    server.set('Oven.Zone1', 245.0);
    await waitFor('the first reading', async () => (await readings()) === 2);
    server.set('Oven.Zone1', 245.3); // within the 0.5 deadband
    await new Promise((r) => setTimeout(r, 400));
    server.set('Oven.Zone1', 246.1);
    await waitFor('the reading past the deadband', async () => (await readings()) === 3);
    expect(worker.status()).toEqual({ line1: 'monitoring' });
  });

  it('completes an operation when the cycle counter moves, with the serial, the paste lot and the operator', async () => {
    server.set('Print.PasteLot', PASTE);
    server.set('Print.Operator', 'OP-ANNA');
    server.set('Print.Serial', serial(1001));
    server.set('Print.Count', 1);
    await waitFor('the unit to be traceable', async () => {
      await pipeline.flush();
      return (await store.traceBackward([serial(1001)])).lots.includes(PASTE);
    });
    expect((await store.traceBackward([serial(1001)])).lots.sort()).toEqual(['PCB-BLANK-LOT-9', PASTE].sort());
    expect((await store.traceForward([PASTE])).units).toEqual([serial(1001)]);
    const s = await store.stats();
    expect(s.nodes.Operator).toBe(1);
    expect(s.relationships.ON).toBeGreaterThanOrEqual(1);
  });

  it('dates an operation from its cycle time: start = the counter change minus cycleTimeMs', async () => {
    const before = Date.now();
    server.set('Reflow.Serial', serial(1001));
    server.set('Reflow.Count', 1);
    const reflowOf = async () => {
      await pipeline.flush();
      return (await store.itemRecord(serial(1001)))?.operations.find((o) => o.step === 'reflow');
    };
    await waitFor('the reflow operation', async () => (await reflowOf()) !== undefined);
    const reflow = (await reflowOf())!;
    expect(reflow).toMatchObject({ station: 'REFLOW-1', equipment: 'REFLOW-1' });
    const start = Date.parse(reflow.startTime!);
    const end = Date.parse(reflow.endTime);
    expect(end - start).toBe(REFLOW_CYCLE_MS);
    // The end is when the counter moved (the tag's source time), not when the worker read it.
    expect(end).toBeGreaterThanOrEqual(before - 1000);
    expect(end).toBeLessThanOrEqual(Date.now() + 1000);
    // Without a cycle time an operation has no start of its own.
    const print = (await store.itemRecord(serial(1001)))!.operations.find((o) => o.step === 'print')!;
    expect(print.startTime === null || print.startTime === print.endTime).toBe(true);
  });

  it('records a scan for each new code on a scan tag', async () => {
    const before = (await store.stats()).events;
    server.set('AOI.Code', serial(1001));
    await waitFor('the scan', async () => {
      await pipeline.flush();
      return (await store.stats()).events === before + 1;
    });
  });

  it('dead-letters bad status codes, non-numeric readings and cycles without a serial, and keeps going', async () => {
    expect(counts().rejected).toBe(1);
    server.set('Oven.Zone1', 250, { status: StatusCodes.BadSensorFailure });
    server.set('Oven.Mode', 'manual');
    server.set('Print.Serial', '');
    server.set('Print.Count', 2);
    // The mode tag's first value ("auto") was dead-lettered already, when the worker subscribed.
    await waitFor('three more dead letters', () => counts().rejected === 4);
    const reasons = listDeadLetters(dataDir).map((d) => d.reason);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^OVEN-1\/zone1_temp: status BadSensorFailure/),
        expect.stringMatching(/^OVEN-1\/mode: value of ns=1;s=Oven.Mode is not a number/),
        expect.stringMatching(/^PRINT-1: cycle 2 completed without a serial/),
      ]),
    );
    const n = await readings();
    server.set('Oven.Zone1', 251);
    await waitFor('a good reading after the bad ones', async () => (await readings()) === n + 1);
  });

  it('resumes readings and cycles by itself after the OPC UA server restarts', async () => {
    const n = await readings();
    await server.stop();
    await waitFor('the worker to notice', () => worker.status().line1 !== 'monitoring');
    // A new server process on the same port with the same node ids, as after a PLC restart.
    server = await startTagServer({ port, pkiDir: pki, tags: TAGS });
    server.set('Oven.Zone1', 230);
    await waitFor('readings after the restart', async () => (await readings()) > n, 60_000);
    server.set('Print.PasteLot', PASTE);
    server.set('Print.Serial', serial(1002));
    server.set('Print.Count', 1);
    await waitFor('an operation after the restart', async () => {
      await pipeline.flush();
      return (await store.traceBackward([serial(1002)])).lots.includes(PASTE);
    });
    expect(worker.status()).toEqual({ line1: 'monitoring' });
  });
});

describe('OPC UA worker security settings', () => {
  let server: TagServer;
  let pki: string;
  let pipeline: Pipeline;
  const workers: OpcuaWorker[] = [];

  beforeAll(async () => {
    pki = tempDir('tracegraph-opcua-pki-');
    server = await startTagServer({ port: await freePort(), pkiDir: pki, tags: TAGS, users: { plc: 's3cret' } });
    const store = await kuzu.open();
    pipeline = new Pipeline({ dataDir: tempDir(), store, warn: () => undefined, batchWindowMs: 20 });
    await pipeline.start();
  });

  afterAll(async () => {
    for (const w of workers) await w.close();
    await pipeline?.close();
    await server?.stop();
    await kuzu.release();
  });

  const start = (extra: Partial<OpcuaMappingInput['endpoints'][number]>) => {
    const w = startOpcuaWorker({
      config: parseOpcuaMapping(mapping(server.endpoint, `${pki}/client`, extra)),
      pipeline,
      warn: () => undefined,
    });
    workers.push(w);
    return w;
  };

  it('logs in with user and password over a signed and encrypted channel', async () => {
    process.env.TRACEGRAPH_TEST_PLC_PASSWORD = 's3cret';
    const w = start({ securityMode: 'SignAndEncrypt', user: 'plc', passwordEnv: 'TRACEGRAPH_TEST_PLC_PASSWORD' });
    await w.ready;
    server.set('Oven.Zone1', 199);
    await waitFor('a reading over the secure channel', () => (pipeline.counters['opcua:line1']?.accepted ?? 0) > 0);
  });

  it('fails to start with a wrong password, saying so', async () => {
    const w = start({ securityMode: 'Sign', user: 'plc', password: 'wrong' });
    await expect(w.ready).rejects.toThrow(/BadUserAccessDenied|BadIdentityTokenRejected|BadIdentityTokenInvalid/);
  });

  it('warns about a node id the server does not know, and monitors the rest', async () => {
    const warnings: string[] = [];
    const config = mapping(server.endpoint, `${pki}/client`, {
      user: 'plc',
      password: 's3cret',
      readings: [{ nodeId: 'ns=1;s=No.Such.Tag', equipmentId: 'X', parameter: 'y' }],
    });
    const w = startOpcuaWorker({ config: parseOpcuaMapping(config), pipeline, warn: (m) => warnings.push(m) });
    workers.push(w);
    await w.ready;
    expect(warnings).toEqual([expect.stringMatching(/cannot monitor ns=1;s=No\.Such\.Tag: BadNodeIdUnknown/)]);
  });

  it('rejects a mapping that asks to encrypt without a security policy', () => {
    expect(() => parseOpcuaMapping(mapping(server.endpoint, pki, { securityMode: 'Sign', securityPolicy: 'None' }))).toThrow(
      /securityPolicy None cannot sign or encrypt/,
    );
  });
});
