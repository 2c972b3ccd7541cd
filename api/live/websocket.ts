/**
 * GraphQL over WebSocket (the graphql-ws protocol) at /graphql on the API's own HTTP server,
 * through yoga's envelop (yoga.getEnveloped), so that limits, error codes and the mutation audit
 * apply as over HTTP. The client authenticates in `connection_init` with
 * `{ authorization: 'Bearer <key or token>' }` or `{ token: '<key or token>' }`; a connection
 * without a valid principal is closed (4403) before any operation runs.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { DocumentNode, ExecutionArgs, GraphQLError } from 'graphql';
import type { OperationResult } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { createGraphQLError, type YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import { z } from 'zod';
import { sessionOf, type Authenticator } from '../auth/authenticate.ts';
import type { Principal } from '../../domain/auth/roles.ts';
import type { ApiContext } from '../builder.ts';

const InitPayload = z
  .object({ authorization: z.string().max(4096).optional(), token: z.string().max(4096).optional() })
  .passthrough()
  .optional()
  .nullable();

/** A parse failure as graphql-ws wants it; anything but a GraphQLError is a bug, kept out of the answer. */
function asGraphQLError(e: unknown): GraphQLError {
  // By name, not instanceof: graphql is loaded both as ESM and CJS, and yoga's copy made this one.
  if (e instanceof Error && e.name === 'GraphQLError') return e as GraphQLError;
  console.error('tracegraph websocket: parsing a subscribe message failed:', e);
  return createGraphQLError('Unexpected error.', { extensions: { code: 'INTERNAL' } });
}

export interface WebSocketEndpoint {
  /** Closes every socket (they are not HTTP connections: server.close() would wait for them). */
  close(): Promise<void>;
}

interface EnvelopedRoot {
  execute: (args: ExecutionArgs) => OperationResult;
  subscribe: (args: ExecutionArgs) => OperationResult;
}

export function attachWebSocket(
  server: Server,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- yoga's server context type is internal
  yoga: YogaServerInstance<any, ApiContext>,
  opts: {
    path: string;
    auth: Authenticator;
    context: (principal: Principal, clientAddress: string | undefined, session: string | undefined) => ApiContext;
  },
): WebSocketEndpoint {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const principals = new WeakMap<object, { principal: Principal; session: string | undefined }>();

  const disposable = useServer<Record<string, unknown> | undefined, { principal: Principal }>(
    {
      onConnect: async (ctx) => {
        const parsed = InitPayload.safeParse(ctx.connectionParams);
        const p = parsed.success ? parsed.data : undefined;
        const header = p?.authorization ?? (p?.token ? `Bearer ${p.token}` : undefined);
        const result = await opts.auth.authenticate(header, ctx.extra.request.socket.remoteAddress);
        if (!result.principal) return false; // graphql-ws closes with 4403 Forbidden
        principals.set(ctx.extra.socket, { principal: result.principal, session: sessionOf(header) });
        return true;
      },
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args),
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args),
      onSubscribe: async (ctx, _id, payload) => {
        const signedIn = principals.get(ctx.extra.socket);
        if (!signedIn) return [new Error('not authenticated')] as never;
        const { schema, execute, subscribe, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
        });
        // A bad query is that operation's error, answered on the socket; thrown, graphql-ws would
        // close the whole connection (4500) and every other subscription on it.
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch (e) {
          return [asGraphQLError(e)];
        }
        const args: ExecutionArgs = {
          schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue: opts.context(signedIn.principal, ctx.extra.request.socket.remoteAddress, signedIn.session),
          rootValue: { execute, subscribe } as EnvelopedRoot,
        };
        const errors = validate(args.schema, args.document);
        if (errors.length) return errors;
        return args;
      },
    },
    wss,
  );

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if ((req.url ?? '/').split('?')[0] !== opts.path) return void socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  server.on('upgrade', onUpgrade);

  return {
    async close() {
      server.off('upgrade', onUpgrade);
      for (const ws of wss.clients) ws.terminate();
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
