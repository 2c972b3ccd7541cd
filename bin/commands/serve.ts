import { TracegraphError } from '../../core/errors.ts';
import { describeStore } from '../../cypher/open-store.ts';
import { createApiServer } from '../../api/server.ts';
import { ensureWebBuild } from '../../api/web/build.ts';
import { shutdownSignal, withStore } from '../common.ts';
import { out } from '../output.ts';
import { AuditTrail } from '../../domain/audit/trail.ts';
import { UserStore } from '../../domain/auth/users.ts';

async function hasUsers(dataDir: string): Promise<boolean> {
  return (await new UserStore(dataDir, new AuditTrail(dataDir)).list()).some((u) => !u.revoked);
}

/** Serves the API until SIGINT or SIGTERM; resolves only after the server has closed. */
export async function serve(opts: { port: number; host: string; data?: string }): Promise<void> {
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
        devKey: config.devKey,
        maxCaptureBytes: config.epcisMaxCaptureMb && config.epcisMaxCaptureMb * 1024 * 1024,
        capture: { captureWorkers: config.epcisCaptureWorkers },
        loginLimits: config.login,
        corsOrigins: config.corsOrigins,
        // `tracegraph trace`, `stats`, `ls` ... on this machine ask this server while it holds the graph.
        publishLocalAccess: !config.neo4j,
        reportSigning: config.reportSigning,
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
    // The first genealogy should not wait while the store reads its memory (seconds at 1,000,000 units).
    const warming = store
      .warmUp()
      .catch((e: Error) => process.stderr.write(`tracegraph: reading the store into memory failed: ${e.message}\n`));
    if (!config.devKey && !(await hasUsers(config.dataDir)))
      process.stderr.write(
        'tracegraph: no users yet: every request needs an API key; create one with `tracegraph user add --name NAME --role admin`\n',
      );
    void out(`GraphQL API at ${server.url}\nWeb app at ${server.url.replace(/\/graphql$/, '/')}\n`);
    const signal = await stop;
    process.stderr.write(`tracegraph: ${signal}, shutting down\n`);
    await server.close();
    await warming;
  });
}
