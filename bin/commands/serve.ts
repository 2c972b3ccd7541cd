import { Command, Option } from 'commander';
import { TracegraphError } from '../../core/errors.ts';
import { describeStore } from '../../cypher/open-store.ts';
import { createApiServer } from '../../api/server.ts';
import { ensureWebBuild } from '../../api/web/build.ts';
import { dataOption, portNumber, shutdownSignal, withStore } from '../common.ts';
import { AuditTrail } from '../../domain/audit/trail.ts';
import { UserStore } from '../../domain/auth/users.ts';

async function hasUsers(dataDir: string): Promise<boolean> {
  return (await new UserStore(dataDir, new AuditTrail(dataDir)).list()).some((u) => !u.revoked);
}

export function serveCommand(): Command {
  return (
    new Command('serve')
      .description(
        'serve the GraphQL API (POST /graphql, GraphiQL on GET /graphql unless NODE_ENV=production, WebSocket and SSE ' +
          'subscriptions), EPCIS 2.0 REST (POST /epcis/capture, GET /epcis/events), GET /healthz and GET /metrics; ' +
          'requests need `Authorization: Bearer <api key>` (tracegraph user add; TRACEGRAPH_DEV_KEY sets an admin key for development)',
      )
      .addOption(new Option('--port <port>', 'TCP port (0 picks a free one)').default(4000).argParser(portNumber))
      // Loopback by default: listening on a network is a deliberate --host.
      .addOption(new Option('--host <host>', 'address to listen on').default('127.0.0.1'))
      .addOption(dataOption())
      // cli.ts exits the process once this action resolves, so it resolves only after shutdown.
      .action(async (opts: { port: number; host: string; data?: string }) => {
        await ensureWebBuild();
        await withStore(opts, async (store, config) => {
          const stop = shutdownSignal();
          let server;
          try {
            server = await createApiServer({
              store,
              port: opts.port,
              host: opts.host,
              dataDir: config.dataDir,
              devKey: process.env.TRACEGRAPH_DEV_KEY || undefined,
              maxCaptureBytes: config.epcisMaxCaptureMb && config.epcisMaxCaptureMb * 1024 * 1024,
              loginLimits: config.login,
            });
          } catch (e) {
            const code = (e as NodeJS.ErrnoException).code;
            if (code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES')
              throw new TracegraphError(
                'CONFIG',
                `cannot listen on ${opts.host}:${opts.port} (${code}): choose another --port or --host`,
              );
            throw e;
          }
          process.stderr.write(`tracegraph: serving ${describeStore(config)}\n`);
          if (!process.env.TRACEGRAPH_DEV_KEY && !(await hasUsers(config.dataDir)))
            process.stderr.write(
              'tracegraph: no users yet: every request needs an API key; create one with `tracegraph user add --name NAME --role admin`\n',
            );
          process.stdout.write(`GraphQL API at ${server.url}\nWeb app at ${server.url.replace(/\/graphql$/, '/')}\n`);
          const signal = await stop;
          process.stderr.write(`tracegraph: ${signal}, shutting down\n`);
          await server.close();
        });
      })
  );
}
