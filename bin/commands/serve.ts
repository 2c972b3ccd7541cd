import { Command, Option } from 'commander';
import { TracegraphError } from '../../core/errors.ts';
import { describeStore } from '../../cypher/open-store.ts';
import { createApiServer } from '../../api/server.ts';
import { dataOption, shutdownSignal, withStore } from '../common.ts';

export function portNumber(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new TracegraphError('BAD_INPUT', `a port must be a whole number from 0 to 65535, got ${JSON.stringify(v)}`);
  return n;
}

export function serveCommand(): Command {
  return (
    new Command('serve')
      .description('serve the GraphQL API (POST /graphql, GraphiQL on GET /graphql unless NODE_ENV=production) and GET /healthz')
      .addOption(new Option('--port <port>', 'TCP port (0 picks a free one)').default(4000).argParser(portNumber))
      // Loopback by default: the API has no authentication yet.
      .addOption(new Option('--host <host>', 'address to listen on').default('127.0.0.1'))
      .addOption(dataOption())
      // cli.ts exits the process once this action resolves, so it resolves only after shutdown.
      .action(async (opts: { port: number; host: string; data?: string }) => {
        await withStore(opts, async (store, config) => {
          const stop = shutdownSignal();
          let server;
          try {
            server = await createApiServer({ store, port: opts.port, host: opts.host });
          } catch (e) {
            const code = (e as NodeJS.ErrnoException).code;
            if (code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES')
              throw new TracegraphError(
                'CONFIG',
                `cannot listen on ${opts.host}:${opts.port} (${code}): choose another --port or --host`,
              );
            throw e;
          }
          process.stderr.write(
            `tracegraph: serving ${describeStore(config)}; no authentication yet, keep it on a trusted host\n`,
          );
          process.stdout.write(`GraphQL API at ${server.url}\n`);
          const signal = await stop;
          process.stderr.write(`tracegraph: ${signal}, shutting down\n`);
          await server.close();
        });
      })
  );
}
