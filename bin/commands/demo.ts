import { Command, Option } from 'commander';
import { TracegraphError } from '../../core/errors.ts';
import { ensureWebBuild } from '../../api/web/build.ts';
import { portNumber, positiveInt, shutdownSignal } from '../common.ts';

function speedNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > 20)
    throw new TracegraphError('BAD_INPUT', `--speed must be above 0 and at most 20, got ${v}`);
  return n;
}

export function demoCommand(): Command {
  return (
    new Command('demo')
      .description(
        'run a live demo plant: simulated PLC (OPC UA) and stations (MQTT) -> ingest workers -> embedded graph -> GraphQL API (until Ctrl-C)',
      )
      .addOption(new Option('--port <port>', 'API port (0 picks a free one)').default(4000).argParser(portNumber))
      .addOption(
        new Option(
          '--mqtt-port <port>',
          'embedded MQTT broker port (default 1883, or a free one when 1883 is taken; 0 picks a free one)',
        ).argParser(portNumber),
      )
      .addOption(
        new Option('--data <dir>', 'where the demo keeps its graph, event log and simulator state').default('./data/demo'),
      )
      .addOption(
        new Option('--speed <x>', 'simulated clock multiplier (1: a unit every 2 s; up to 5 every PLC cycle is seen)')
          .default(1)
          .argParser(speedNumber),
      )
      .addOption(
        new Option(
          '--drift-after <seconds>',
          'after this many seconds, drift the oven zone 3 temperature of REFLOW-1 out of spec (the monitor raises an alarm)',
        ).argParser(positiveInt),
      )
      .addHelpText('after', '\nThe development API key is TRACEGRAPH_DEV_KEY when set, else a random one printed at start.')
      // cli.ts exits the process once this action resolves, so it resolves only after shutdown.
      .action(async (opts: { port: number; mqttPort?: number; data: string; speed: number; driftAfter?: number }) => {
        // node-opcua prints its own warnings to stdout (reconnect chatter, certificate creation); the
        // workers report what matters, so they are kept for TRACEGRAPH_DEBUG.
        // Loaded here, not at the top: node-opcua takes seconds to import and other commands never need it.
        const [{ startDemo }, { setErrorLogger, setWarningLogger }] = await Promise.all([
          import('../demo.ts'),
          import('node-opcua'),
        ]);
        if (!process.env.TRACEGRAPH_DEBUG) {
          setWarningLogger(() => undefined);
          setErrorLogger(() => undefined);
        }
        const stop = shutdownSignal();
        await ensureWebBuild();
        process.stdout.write(`Starting the demo plant in ${opts.data} ...\n`);
        const demo = await startDemo({
          port: opts.port,
          mqttPort: opts.mqttPort ?? 1883,
          mqttFallback: opts.mqttPort === undefined,
          dataDir: opts.data,
          speed: opts.speed,
        });
        const graphiql = demo.apiUrl;
        process.stdout.write(
          [
            '',
            `Web app         ${demo.apiUrl.replace(/\/graphql$/, '/')}   (sign in with the dev API key)`,
            `GraphQL API     ${demo.apiUrl}   (GraphiQL in a browser)`,
            `MQTT broker     ${demo.mqttUrl}   (topics tracegraph/v1/<site>/<line>/<station>/<kind>)`,
            `OPC UA PLCs     ${demo.opcuaEndpoints.join(', ')}`,
            `Dev API key     ${demo.devKey}`,
            '',
            `A unit every ${2 / opts.speed} s; readings, operations, inspections, packs and shipments flow into the graph.`,
            'Try, once the first unit has passed its test (about 15 s):',
            `  curl -s ${graphiql} -H 'authorization: Bearer ${demo.devKey}' -H 'content-type: application/json' \\`,
            `    -d '{"query":"{ traceBackward(from: [\\"<unit>\\"]) { lots { id } units { id } } }"}'`,
            '  npx tracegraph deadletters --data ' + opts.data,
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
              process.stdout.write(`First finished unit: ${unit}\n`);
            }
            const s = await demo.stats();
            const c = demo.counts();
            process.stdout.write(
              `${new Date().toISOString().slice(11, 19)}  units ${demo.plant.produced()}  events ${s.events}  readings ${s.nodes.Reading ?? 0}  inspections ${s.nodes.Inspection ?? 0}  shipments ${s.nodes.Shipment ?? 0}  open alarms ${demo.monitor.openAlarms().length}  dead letters ${c.rejected}\n`,
            );
          })().catch(() => undefined);
        }, 15_000);
        const drift =
          opts.driftAfter === undefined
            ? undefined
            : setTimeout(() => {
                demo.plant.injectFault({ equipmentId: 'REFLOW-1', parameter: 'zone3_temp', kind: 'drift' });
                process.stdout.write('Injected a drift on REFLOW-1 zone3_temp: watch { alarms { message status } }\n');
              }, opts.driftAfter * 1000);
        const signal = await stop;
        clearTimeout(drift);
        clearInterval(status);
        process.stderr.write(`tracegraph: ${signal}, stopping the demo ...\n`);
        await demo.close();
      })
  );
}
