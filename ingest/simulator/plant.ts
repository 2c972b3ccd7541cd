/**
 * The simulated plant: one OPC UA server per line (the PLC) and MQTT devices, driven by one timer.
 * `speed` multiplies the simulated clock: at speed 1 a line makes a unit every `taktMs` (2 s by
 * default). The OPC UA worker reads a cycle's serial when it sees the counter move, so a takt
 * should stay longer than a few of its publishing intervals (100 ms here): up to speed ~5 every
 * cycle is seen; beyond that the worker reports the cycles it skipped.
 */
import { join } from 'node:path';
import { parseOpcuaMapping, type OpcuaMapping } from '../opcua/config.ts';
import type { FaultKind } from './faults.ts';
import { seededRandom as rng } from '../../core/random.ts';
import { SimulatedLine } from './line.ts';
import { connectPublisher, type StationPublisher } from './publishers.ts';
import { defaultRouting, type Routing } from './routing.ts';
import { freePort } from './tag-server.ts';

export interface SimulatedPlantOptions {
  /** Broker the MQTT devices publish to, e.g. `mqtt://127.0.0.1:1883`. */
  mqttUrl: string;
  site?: string;
  /** Simulated-clock multiplier (default 1). */
  speed?: number;
  /** Where the OPC UA servers keep their PKI. */
  dir: string;
  routing?: Routing;
  /** OPC UA ports, one per line (default: free loopback ports). */
  opcuaPorts?: number[];
  /** Same seed, same plant (defect draws, noise). */
  seed?: number;
  warn?: (message: string) => void;
}

export interface FaultRequest {
  /** Default: the first line. */
  line?: string;
  equipmentId: string;
  parameter: string;
  kind: FaultKind;
  /** Simulated ms (default 60 s; a spike is one sample). */
  durationMs?: number;
}

export interface SimulatedPlant {
  readonly opcuaEndpoints: string[];
  /** A mapping for the OPC UA worker that covers every line's PLC. */
  readonly opcuaConfig: OpcuaMapping;
  /** Units printed so far, all lines. */
  produced(): number;
  /** The last finished unit that passed its functional test (the first after a few takts). */
  lastFinishedUnit(): string | undefined;
  injectFault(f: FaultRequest): void;
  close(): Promise<void>;
}

/** Real milliseconds between two parameter samples. */
const SAMPLE_MS = 500;

export async function startSimulatedPlant(o: SimulatedPlantOptions): Promise<SimulatedPlant> {
  const warn = o.warn ?? ((m) => process.stderr.write(`tracegraph simulator: ${m}\n`));
  const routing = o.routing ?? defaultRouting(o.site);
  const speed = o.speed ?? 1;
  if (!(speed > 0)) throw new Error('speed must be positive');
  const random = rng(o.seed ?? Date.now());
  const runId = String(Math.floor(Date.now() / 1000) % 1_000_000).padStart(6, '0');
  const lines: SimulatedLine[] = [];
  const publishers: StationPublisher[] = [];
  const clock: { timer?: NodeJS.Timeout } = {};
  const close = async () => {
    clearInterval(clock.timer);
    for (const p of publishers) await p.close().catch(() => undefined);
    for (const l of lines) await l.stop().catch(() => undefined);
  };
  try {
    for (const [i, spec] of routing.lines.entries()) {
      const publisher = await connectPublisher({
        url: o.mqttUrl,
        site: routing.site,
        line: spec.id,
        clientId: `tracegraph-sim-${routing.site}-${spec.id}`,
        warn,
      });
      publishers.push(publisher);
      const line = new SimulatedLine({
        spec,
        routing,
        port: o.opcuaPorts?.[i] ?? (await freePort()),
        pkiDir: join(o.dir, 'pki', spec.id),
        publisher,
        random,
        runId,
      });
      await line.start();
      lines.push(line);
    }
  } catch (e) {
    await close();
    throw e;
  }

  // The simulated clock starts at the wall clock and runs `speed` times as fast.
  const realStart = Date.now();
  const simNow = () => realStart + (Date.now() - realStart) * speed;
  for (const l of lines) l.openRun(realStart);
  let nextTakt = realStart + routing.taktMs;
  let lastSample = 0;
  // One takt per tick at most: two counter steps inside one OPC UA publishing interval would merge.
  const tickMs = Math.max(50, Math.min(SAMPLE_MS, routing.taktMs / speed / 2));
  clock.timer = setInterval(() => {
    const now = simNow();
    if (Date.now() - lastSample >= SAMPLE_MS) {
      lastSample = Date.now();
      for (const l of lines) l.sample(now);
    }
    if (now >= nextTakt) {
      for (const l of lines) l.takt(now);
      nextTakt = Math.max(nextTakt + routing.taktMs, now);
    }
  }, tickMs);

  const opcuaConfig = parseOpcuaMapping(
    { pkiDir: join(o.dir, 'pki', 'client'), endpoints: lines.map((l) => l.mapping()) },
    'simulated plant mapping',
  );
  return {
    opcuaEndpoints: lines.map((l) => l.endpoint),
    opcuaConfig,
    produced: () => lines.reduce((n, l) => n + l.produced, 0),
    lastFinishedUnit: () => lines.map((l) => l.lastPassed).find((u) => u !== undefined),
    injectFault(f) {
      const line = f.line ? lines.find((l) => l.spec.id === f.line) : lines[0];
      if (!line) throw new Error(`no line ${f.line}`);
      if (!line.inject(f.equipmentId, f.parameter, f.kind, simNow(), f.durationMs ?? 60_000))
        throw new Error(`line ${line.spec.id} has no parameter ${f.parameter} on ${f.equipmentId}`);
    },
    close,
  };
}
