import { ensureWebBuild } from '../../api/web/build.ts';
import { loadConfig } from '../../core/config.ts';
import { shutdownSignal } from '../common.ts';
import { out } from '../output.ts';

export interface DemoFlags {
  port: number;
  mqttPort?: number;
  data: string;
  speed: number;
  /** Seconds after the start to drift the oven (default 90 in the CLI). */
  driftAfter?: number;
  /** false with --no-drift: the plant stays in spec. */
  drift?: boolean;
}

/** "0.67" for speed 3, "2" for speed 1: the banner is read by people, not parsed. */
export function secondsPerUnit(speed: number): string {
  return (2 / speed).toLocaleString('en-US', { maximumFractionDigits: 2, useGrouping: false });
}

/** Runs the demo plant until SIGINT or SIGTERM; resolves only after it has shut down. */
export async function demo(opts: DemoFlags): Promise<void> {
  // node-opcua prints its own warnings to stdout (reconnect chatter, certificate creation); the
  // workers report what matters, so they are kept for TRACEGRAPH_DEBUG.
  const [{ startDemo }, { setErrorLogger, setWarningLogger }] = await Promise.all([import('../demo.ts'), import('node-opcua')]);
  const config = loadConfig({ dataDir: opts.data });
  if (!config.debug) {
    setWarningLogger(() => undefined);
    setErrorLogger(() => undefined);
  }
  const stop = shutdownSignal();
  await ensureWebBuild();
  void out(`Starting the demo plant in ${opts.data} ...\n`);
  const demo = await startDemo({
    port: opts.port,
    mqttPort: opts.mqttPort ?? 1883,
    mqttFallback: opts.mqttPort === undefined,
    dataDir: opts.data,
    speed: opts.speed,
    devKey: config.devKey,
    onLoop: (line) => void out(stamped(line)),
  });
  const graphiql = demo.apiUrl;
  void out(
    [
      '',
      `Web app         ${demo.apiUrl.replace(/\/graphql$/, '/')}   (sign in with the dev API key)`,
      `GraphQL API     ${demo.apiUrl}   (GraphiQL in a browser)`,
      `MQTT broker     ${demo.mqttUrl}   (topics tracegraph/v1/<site>/<line>/<station>/<kind>)`,
      `OPC UA PLCs     ${demo.opcuaEndpoints.join(', ')}`,
      `Dev API key     ${demo.devKey}`,
      '',
      `A unit every ${secondsPerUnit(opts.speed)} s; readings, operations, inspections, packs and shipments flow into the graph.`,
      'Try, once the first unit has passed its test (about 15 s):',
      `  curl -s ${graphiql} -H 'authorization: Bearer ${demo.devKey}' -H 'content-type: application/json' \\`,
      `    -d '{"query":"{ traceBackward(from: [\\"<unit>\\"]) { lots { id } units { id } } }"}'`,
      '  npx tracegraph deadletters --data ' + opts.data,
      opts.drift === false || opts.driftAfter === undefined
        ? 'The plant stays in spec (--no-drift).'
        : `In ${opts.driftAfter} s the reflow oven's zone 3 starts drifting: alarms, holds and a denied interlock follow (--no-drift: none).`,
      'Ctrl-C stops the plant, writes what was received to the graph and closes it.',
      '',
    ].join('\n'),
  );
  let shown = false;
  const status = setInterval(() => {
    void (async () => {
      const unit = demo.plant.lastFinishedUnit();
      if (unit && !shown) {
        shown = true;
        void out(`First finished unit: ${unit}\n`);
      }
      // The other counters are totals from the graph, which outlives a restart; the plant's count
      // starts again at 0 with each run, and says so.
      const s = await demo.stats();
      const c = demo.counts();
      void out(
        stamped(
          `units this run ${demo.plant.produced()}  events ${s.events}  readings ${s.nodes.Reading ?? 0}  inspections ${s.nodes.Inspection ?? 0}  shipments ${s.nodes.Shipment ?? 0}  open alarms ${demo.monitor.openAlarms().length}  dead letters ${c.rejected}`,
        ),
      );
    })().catch(() => undefined);
  }, 15_000);
  const drift =
    opts.drift === false || opts.driftAfter === undefined
      ? undefined
      : setTimeout(() => {
          demo.plant.injectFault({ equipmentId: 'REFLOW-1', parameter: 'zone3_temp', kind: 'drift' });
          void out(
            stamped(
              'Injected a drift on REFLOW-1 zone3_temp: watch { alarms { rule severity message status holdId } } and { holds(status: active) { id reason } } (docs/quality-loop.md)',
            ),
          );
        }, opts.driftAfter * 1000);
  const signal = await stop;
  clearTimeout(drift);
  clearInterval(status);
  process.stderr.write(`tracegraph: ${signal}, stopping the demo ...\n`);
  await demo.close();
}

/** A console line with the time of day (UTC), as the loop's and the status lines are printed. */
function stamped(line: string): string {
  return `${new Date().toISOString().slice(11, 19)}  ${line}\n`;
}
