/**
 * The simulated plant: its process parameters and faults on their own, then the whole plant
 * (OPC UA servers + MQTT devices) feeding both real workers, a real Mosquitto and the embedded store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../core/events.ts';
import type { GraphStore } from '../../cypher/port.ts';
import { startMqttWorker, type MqttWorker } from '../../ingest/mqtt/worker.ts';
import { startOpcuaWorker, type OpcuaWorker } from '../../ingest/opcua/worker.ts';
import { readLog } from '../../ingest/pipeline/event-log.ts';
import { Pipeline } from '../../ingest/pipeline/pipeline.ts';
import { seededRandom as rng } from '../../core/random.ts';
import { SimulatedParameter } from '../../ingest/simulator/faults.ts';
import { startSimulatedPlant, type SimulatedPlant } from '../../ingest/simulator/plant.ts';
import { electronicsLine } from '../../ingest/simulator/routing.ts';
import { backends, tempDir } from '../helpers/stores.ts';
import { Broker, haveMosquitto } from '../mqtt/broker.ts';
import { waitFor } from '../helpers/wait.ts';

const zone3 = electronicsLine(1).oven.parameters.find((p) => p.name === 'zone3_temp')!;
const PASTE_LOT = /^urn:epc:class:lgtin:4098765\.055555\./;

describe('simulated process parameters', () => {
  const samples = (p: SimulatedParameter, from: number, n: number) =>
    Array.from({ length: n }, (_, i) => p.sample(from + i * 1000));

  it('stay within specification without a fault', () => {
    const p = new SimulatedParameter(zone3, rng(1));
    const v = samples(p, 0, 500);
    expect(Math.min(...v)).toBeGreaterThan(zone3.lsl);
    expect(Math.max(...v)).toBeLessThan(zone3.usl);
    expect(new Set(v).size).toBeGreaterThan(50); // noise, not a constant
  });

  it('drift out of specification while a drift fault lasts, then recover', () => {
    const p = new SimulatedParameter(zone3, rng(2));
    p.inject('drift', 0, 30_000);
    const during = samples(p, 0, 30);
    expect(Math.max(...during)).toBeGreaterThan(zone3.usl);
    const after = samples(p, 31_000, 20);
    expect(Math.max(...after)).toBeLessThan(zone3.usl);
  });

  it('spike for one sample', () => {
    const p = new SimulatedParameter(zone3, rng(3));
    samples(p, 0, 5);
    p.inject('spike', 5000, 60_000);
    const [spike, ...rest] = samples(p, 5000, 10);
    expect(spike).toBeGreaterThan(zone3.usl);
    expect(Math.max(...rest)).toBeLessThan(zone3.usl);
  });

  it('freeze while stuck', () => {
    const p = new SimulatedParameter(zone3, rng(4));
    samples(p, 0, 5);
    p.inject('stuck', 5000, 10_000);
    expect(new Set(samples(p, 5000, 10)).size).toBe(1);
    expect(new Set(samples(p, 16_000, 10)).size).toBeGreaterThan(1);
  });
});

const kuzu = backends().find((b) => b.name === 'kuzu')!;

async function logged(dataDir: string): Promise<CanonicalEvent[]> {
  const out: CanonicalEvent[] = [];
  for await (const { event } of readLog(dataDir)) out.push(event);
  return out;
}

describe.skipIf(!haveMosquitto)('the simulated plant feeding both workers', () => {
  let broker: Broker;
  let store: GraphStore;
  let dataDir: string;
  let pipeline: Pipeline;
  let plant: SimulatedPlant;
  let opcua: OpcuaWorker;
  let mqtt: MqttWorker;
  const warnings: string[] = [];

  beforeAll(async () => {
    broker = await Broker.start();
    store = await kuzu.open();
    dataDir = tempDir();
    pipeline = new Pipeline({ dataDir, store, warn: (m) => warnings.push(m), batchWindowMs: 50 });
    await pipeline.start();
    mqtt = await startMqttWorker({ url: broker.url, pipeline, clientId: 'sim-test-worker', warn: (m) => warnings.push(m) });
    plant = await startSimulatedPlant({ mqttUrl: broker.url, dir: tempDir(), speed: 4, seed: 7, warn: (m) => warnings.push(m) });
    opcua = startOpcuaWorker({ config: plant.opcuaConfig, pipeline, warn: (m) => warnings.push(m) });
    await opcua.ready;
  });

  afterAll(async () => {
    // The plant first: the worker must also stop cleanly while its servers are gone.
    await plant?.close();
    await opcua?.close();
    await mqtt?.close();
    await pipeline?.close();
    await broker?.stop();
    await kuzu.release();
  });

  it('fills the graph with operations, readings, inspections, packs and a shipment', async () => {
    await waitFor(
      'a shipped pallet',
      async () => {
        await pipeline.flush();
        const s = await store.stats();
        return (s.nodes.Shipment ?? 0) >= 1 && (s.nodes.Reading ?? 0) >= 10 && (s.nodes.Inspection ?? 0) >= 10;
      },
      90_000,
    );
    const events = await logged(dataDir);
    const kinds = new Set(events.map((e) => e.kind));
    expect([...kinds].sort()).toEqual(['inspection', 'maintenance', 'operation', 'pack', 'reading', 'receive', 'scan', 'ship']);
    // Operations from the PLC (print, reflow) and from the MQTT terminals (assembly).
    const steps = new Set(events.flatMap((e) => (e.kind === 'operation' ? [e.step] : [])));
    expect([...steps].sort()).toEqual(['final-assembly', 'print', 'psu-subassembly', 'reflow']);
    expect(pipeline.deadLetters).toBe(0);
    expect(warnings.filter((w) => /jumped|not stored|failed/.test(w))).toEqual([]);

    // A shipped product traces back to its solder paste lot, through the board the PLC reported.
    const ship = events.find((e) => e.kind === 'ship')!;
    const back = await store.traceBackward(ship.kind === 'ship' ? ship.items : []);
    expect(back.lots.some((l) => PASTE_LOT.test(l))).toBe(true);
    expect(back.units.some((u) => u.startsWith('urn:epc:id:sgtin:4012345.022222.'))).toBe(true);
    const forward = await store.traceForward([back.lots.find((l) => PASTE_LOT.test(l))!]);
    expect(forward.customers.length).toBeGreaterThan(0);
  });

  it('shows an injected drift fault in the readings', async () => {
    plant.injectFault({ equipmentId: 'REFLOW-1', parameter: 'zone3_temp', kind: 'drift', durationMs: 20_000 });
    await waitFor(
      'an out-of-spec zone 3 reading',
      async () =>
        (await logged(dataDir)).some(
          (e) => e.kind === 'reading' && e.equipmentId === 'REFLOW-1' && e.parameter === 'zone3_temp' && e.value > zone3.usl,
        ),
      60_000,
    );
  });
});
