/**
 * The HTTP server: GraphQL at /graphql (one yoga instance over the Pothos schema) and /healthz,
 * on node:http. The store is opened and closed by the caller, so tests and `tracegraph serve`
 * decide its lifetime; the server only borrows it. Users, keys and the audit trail are files
 * under the data directory (domain/auth, domain/audit), shared with the CLI.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { BodyTooLarge, readBody, router, sendJson, sendUnauthenticated, type Route } from './http.ts';
import { closeServer, listen } from './http-listen.ts';
import { createYoga } from 'graphql-yoga';
import { GRAPHIQL_ASSETS_PATH, graphiqlAssets, renderGraphiQL } from './graphiql.ts';
import type { GraphStore } from '../cypher/port.ts';
import type { Pipeline } from '../ingest/pipeline/pipeline.ts';
import type { ApiContext } from './builder.ts';
import type { LoopServices } from '../domain/loop/services.ts';
import { loopServices } from '../domain/loop/services.ts';
import { hasScope } from '../domain/auth/roles.ts';
import { TracegraphError } from '../core/errors.ts';
import { epcisGuard } from './epcis/guard.ts';
import { createEpcisRoutes, type EpcisRoutesOptions } from './epcis/routes.ts';
import { reportDownloads } from './report-downloads.ts';
import { loadSigner, type SigningConfig } from '../reports/sign.ts';
import type { PendingAlarmWrites } from '../domain/loop/alarms.ts';
import { REPORTS_PATH } from './schema/reports.ts';
import { useTracegraphErrors } from './errors.ts';
import { AuditTrail } from '../domain/audit/trail.ts';
import { useMutationAudit } from './audit/mutations.ts';
import { Authenticator } from './auth/authenticate.ts';
import { useAuthGate } from './auth/gate.ts';
import type { FailedAuthLimits } from './auth/failed-auth.ts';
import type { LoginLimits } from '../domain/auth/throttle.ts';
import { UserStore } from '../domain/auth/users.ts';
import { useQueryLimits, DEFAULT_LIMITS, type QueryLimits } from './limits.ts';
import { metrics as processMetrics, type IngestMetrics } from '../ingest/pipeline/metrics.ts';
import { serveMetrics } from './metrics.ts';
import { buildSchema } from './schema/index.ts';
import { createLiveBus, type LiveBus } from '../domain/live/bus.ts';
import { attachWebSocket } from './live/websocket.ts';
import { createWebRoutes } from './web/static.ts';
import { newLocalKey, publishLocalServer, withdrawLocalServer } from './local-access.ts';

export interface ApiServerOptions {
  store: GraphStore;
  /** 0 picks a free port (tests). */
  port: number;
  /** Default 127.0.0.1: exposing the API to a network is a decision for `--host`. */
  host?: string;
  /** Largest request body accepted, bytes (default 1 MiB): a trace request is a few KiB at most. */
  maxBodyBytes?: number;
  /** The data directory: users and keys under `auth/`, the audit trail under `audit/`. */
  dataDir: string;
  /** A key that authenticates as the admin `dev` without being stored (the demo, TRACEGRAPH_DEV_KEY). */
  devKey?: string;
  /** Query depth, selection and token limits (defaults in limits.ts). */
  limits?: Partial<QueryLimits>;
  /** EPCIS capture writes to the graph through this pipeline when given (else straight to the store). */
  pipeline?: Pipeline;
  /** Largest EPCIS capture document, bytes (default 64 MiB). */
  maxCaptureBytes?: number;
  /** EPCIS capture worker threads, their heap and how many captures may be unfinished at once (defaults in epcis/routes.ts). */
  capture?: Pick<EpcisRoutesOptions, 'captureWorkers' | 'captureMemoryMb' | 'maxCaptureJobs'>;
  /** What `GET /metrics` serves (default: the process's ingest metrics, ingest/pipeline/metrics.ts). */
  metrics?: IngestMetrics;
  /** Failed-password limits for login and signatures (defaults in auth/throttle.ts). */
  loginLimits?: Partial<LoginLimits>;
  /** Failed key checks: audit aggregation window and per-address limit (defaults in auth/failed-auth.ts). */
  failedAuthLimits?: Partial<FailedAuthLimits>;
  /** Origins allowed to call /graphql from a browser with credentials (CORS); default none (same-origin only). */
  corsOrigins?: readonly string[];
  /** The bus subscriptions listen on; pass the one the pipeline publishes to (default: a new, private one). */
  live?: LiveBus;
  /** The quality configuration and interlock (default: from the data directory). */
  loop?: LoopServices;
  /**
   * Keep `<data>/server.json` while listening, with a local key, so that the CLI on this machine
   * asks this server rather than opening the graph it holds (api/local-access.ts).
   */
  publishLocalAccess?: boolean;
  /** The monitor of this process, when it announces alarms before storing them (acknowledgements wait for the write). */
  alarmWrites?: PendingAlarmWrites;
  /** Sign generated PDFs (PAdES) with this PKCS#12 certificate (config `reportSigning`); read once at start. */
  reportSigning?: SigningConfig;
}

export interface ApiServer {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql */
  url: string;
  close(): Promise<void>;
}

const MiB = 1024 * 1024;

/** How long /healthz waits for the store's ping before answering from what it knows. */
const HEALTH_WAIT_MS = 50;
/** A ping unanswered this long means the store is stuck, not busy: 503. */
const STORE_STUCK_MS = 60_000;

/**
 * /healthz: the store answers a ping. The embedded store serves one statement at a time, so
 * behind a long write (a large capture, an ingest batch) the ping waits its turn: while it has
 * waited less than STORE_STUCK_MS the answer is 200 with `store: "busy"` and how long, so a
 * probe every few seconds neither piles up pings nor takes a busy instance out of rotation.
 */
function healthCheck(store: GraphStore): (res: ServerResponse) => Promise<void> {
  let pending: { since: number; done: Promise<unknown> } | undefined;
  return async (res) => {
    if (!pending) {
      // A trivial query, not stats(): a probe every few seconds must not count a million nodes.
      const done = store.ping().then(
        () => undefined,
        (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
      );
      const ping = { since: Date.now(), done };
      pending = ping;
      void done.then(() => {
        if (pending === ping) pending = undefined;
      });
    }
    const { since, done } = pending;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<'waiting'>((resolve) => (timer = setTimeout(() => resolve('waiting'), HEALTH_WAIT_MS)));
    const outcome = await Promise.race([done, waited]);
    clearTimeout(timer);
    if (outcome === undefined) return sendJson(res, 200, { status: 'ok', backend: store.backend });
    const waitingMs = Date.now() - since;
    if (outcome === 'waiting' && waitingMs < STORE_STUCK_MS)
      return sendJson(res, 200, { status: 'ok', backend: store.backend, store: 'busy', waitingMs });
    // A load balancer takes the instance out of rotation on 503; the reason is for the operator.
    const reason =
      outcome === 'waiting'
        ? `the graph store has not answered a ping for ${Math.round(waitingMs / 1000)} s`
        : (outcome as Error).message;
    sendJson(res, 503, { status: 'unavailable', backend: store.backend, reason });
  };
}

export async function createApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const { store } = opts;
  const host = opts.host ?? '127.0.0.1';
  const limit = opts.maxBodyBytes ?? MiB;
  const audit = new AuditTrail(opts.dataDir);
  const localKey = opts.publishLocalAccess ? newLocalKey() : undefined;
  const auth = new Authenticator(new UserStore(opts.dataDir, audit), audit, {
    devKey: opts.devKey,
    localKey,
    loginLimits: opts.loginLimits,
    failedAuthLimits: opts.failedAuthLimits,
  });
  const gate = useAuthGate(auth);
  const live = opts.live ?? createLiveBus();
  const loop = opts.loop ?? loopServices(store, audit, opts.dataDir);
  // A wrong certificate or password stops the start, not the first report hours later.
  const reportSigner = opts.reportSigning && loadSigner(opts.reportSigning);
  const corsOrigins = new Set(opts.corsOrigins ?? []);
  const health = healthCheck(store);
  const graphiql = process.env.NODE_ENV !== 'production';
  const yoga = createYoga<{ clientAddress?: string }, ApiContext>({
    schema: buildSchema(),
    graphqlEndpoint: '/graphql',
    context: ({ request, clientAddress }): ApiContext => ({
      store,
      principal: gate.principalOf(request),
      session: gate.sessionOf(request),
      auth,
      audit,
      dataDir: opts.dataDir,
      clientAddress,
      live,
      loop,
      reportSigner,
      alarmWrites: opts.alarmWrites,
    }),
    // Only configured origins get CORS headers; yoga's default reflects any origin, with credentials.
    cors: (request) => {
      const origin = request.headers.get('origin');
      return origin !== null && corsOrigins.has(origin) ? { origin: [origin], credentials: true } : false;
    },
    graphiql,
    // Served from this server, not a CDN: plant networks often have no internet (graphiql.ts).
    renderGraphiQL,
    landingPage: false,
    // Masking stays on (yoga's default): unexpected errors reach clients as "Unexpected error."
    // and are logged here with their stack; TracegraphErrors are passed through by the plugin.
    // Order matters: the gate answers 401 before parsing; errors get their codes before the
    // mutation audit records them.
    plugins: [gate.plugin, useQueryLimits({ ...DEFAULT_LIMITS, ...opts.limits }), useTracegraphErrors(), useMutationAudit()],
  });

  // The body is read here (not by yoga) so that the size limit holds before any parsing.
  async function graphql(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: Buffer | undefined;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      try {
        body = await readBody(req, limit);
      } catch (e) {
        if (!(e instanceof BodyTooLarge)) throw e;
        res.setHeader('connection', 'close'); // the rest of the body is not read
        sendJson(res, 413, {
          errors: [
            { message: `request body over ${limit} bytes: send fewer ids per request`, extensions: { code: 'BAD_INPUT' } },
          ],
        });
        return;
      }
    }
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (Array.isArray(v)) v.forEach((x) => headers.append(k, x));
      else if (v !== undefined) headers.set(k, v);
    }
    const abort = new AbortController();
    res.once('close', () => abort.abort());
    try {
      const response = await yoga.fetch(
        new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`),
        // Buffer.concat's buffers sit on an ArrayBuffer (never a SharedArrayBuffer), as BodyInit wants.
        { method: req.method, headers, body: body as Uint8Array<ArrayBuffer> | undefined, signal: abort.signal },
        // The TCP peer: X-Forwarded-For is not trusted (anyone can send it).
        { clientAddress: req.socket.remoteAddress },
      );
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (!response.body) return void res.end();
      // Streamed, so that server-sent events (subscriptions) flow as they come.
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
      res.end();
    } catch (e) {
      // The client went away (a page left mid-request, a subscription closed): no one to answer, nothing to report.
      if (abort.signal.aborted) return;
      throw e;
    }
  }

  const epcis =
    opts.dataDir === undefined
      ? undefined
      : createEpcisRoutes({
          store,
          dataDir: opts.dataDir,
          pipeline: opts.pipeline,
          maxCaptureBytes: opts.maxCaptureBytes,
          ...opts.capture,
          guard: epcisGuard(auth, audit),
        });

  // The interlock for stations that speak HTTP: the same check as GraphQL `interlock` and MQTT.
  async function interlock(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const who = await auth.authenticate(req.headers.authorization, req.socket.remoteAddress);
    if (!who.principal) return sendUnauthenticated(res, who);
    if (!hasScope(who.principal.role, 'capture') && !hasScope(who.principal.role, 'readMonitor'))
      return sendJson(res, 403, { error: `role ${who.principal.role} may not ask the interlock`, code: 'FORBIDDEN' });
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, 64 * 1024)).toString('utf8'));
    } catch (e) {
      const message =
        e instanceof BodyTooLarge
          ? 'request body over 64 KiB'
          : 'the body is not JSON: send {"item", "step", "station", "operator"?}';
      return sendJson(res, e instanceof BodyTooLarge ? 413 : 400, { error: message, code: 'BAD_INPUT' });
    }
    try {
      sendJson(res, 200, await loop.interlock.check(body));
    } catch (e) {
      if (e instanceof TracegraphError && e.code === 'BAD_INPUT') return sendJson(res, 400, { error: e.message, code: e.code });
      throw e;
    }
  }

  const routes: Route[] = [
    { path: '/graphql', handle: graphql },
    ...(graphiql ? [{ path: GRAPHIQL_ASSETS_PATH, methods: ['GET', 'HEAD'], handle: graphiqlAssets }] : []),
    { path: '/interlock', methods: ['POST'], handle: interlock },
    ...(epcis ? [{ path: '/epcis/', handle: epcis.handle }] : []),
    { path: REPORTS_PATH, methods: ['GET', 'HEAD'], handle: reportDownloads(opts.dataDir, auth, audit) },
    { path: '/healthz', methods: ['GET', 'HEAD'], handle: (_req, res) => health(res) },
    { path: '/metrics', handle: (req, res) => serveMetrics(opts.metrics ?? processMetrics, req, res) },
  ];
  const server = createServer(
    // The web app, its deep links and the public Digital Link pages; other paths keep the JSON 404.
    router('tracegraph api', routes, createWebRoutes({ store, dataDir: opts.dataDir }).handle),
  );

  // GraphQL over WebSocket (graphql-ws) on the same port and path; it authenticates in connection_init.
  const ws = attachWebSocket(server, yoga, {
    path: '/graphql',
    auth,
    context: (principal, clientAddress, session) => ({
      store,
      principal,
      auth,
      audit,
      dataDir: opts.dataDir,
      clientAddress,
      session,
      live,
      loop,
      reportSigner,
      alarmWrites: opts.alarmWrites,
    }),
  });

  const base = await listen(server, opts.port, host);
  if (localKey)
    publishLocalServer(opts.dataDir, {
      url: `${base}/graphql`,
      token: localKey,
      appliesEventLog: opts.pipeline !== undefined,
    });
  return {
    url: `${base}/graphql`,
    async close() {
      if (localKey) withdrawLocalServer(opts.dataDir, localKey);
      await ws.close();
      await closeServer(server);
      await epcis?.close();
      await yoga.dispose();
      await loop.interlock.idle(); // refusals answered but not yet in the audit trail
      await auth.close();
    },
  };
}
