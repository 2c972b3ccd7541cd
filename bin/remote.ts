/**
 * The CLI asking a running server instead of opening the graph: `tracegraph serve` and the demo
 * hold the embedded graph (one process at a time) and keep `<data>/server.json` with a local key
 * while they listen (api/local-access.ts). Commands send the same question over GraphQL and print
 * the answer as they print the store's.
 */
import { localServer, type LocalServer } from '../api/local-access.ts';
import { TracegraphError, type ErrorCode } from '../core/errors.ts';

/** The server could not be reached at all (nothing was asked): the caller may open the graph itself. */
export class ServerUnreachable extends Error {}

/** Exit status of a command that cannot do its work beside the running server (1 is any other failure). */
export const EXIT_HELD_BY_SERVER = 3;

/** A command that needs the graph to itself while a server holds it: the message says what to do instead. */
export class HeldByServer extends TracegraphError {
  readonly exitStatus = EXIT_HELD_BY_SERVER;
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORE_UNAVAILABLE', message, options);
  }
}

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export class RemoteServer {
  constructor(readonly info: LocalServer) {}

  get url(): string {
    return this.info.url;
  }

  /** Whether the server applies the data directory's event log itself (it runs the ingest pipeline). */
  get appliesEventLog(): boolean {
    return this.info.appliesEventLog === true;
  }

  /** An HTTP request to `path` on the server, with the local key. */
  async request(path: string, init: RequestInit & { duplex?: 'half' } = {}): Promise<Response> {
    const url = new URL(path, this.info.url);
    try {
      return await fetch(url, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${this.info.token}` },
      });
    } catch (e) {
      throw new ServerUnreachable(`${url}: ${(e as Error).message}`, { cause: e });
    }
  }

  /** Resolves once the server answers (a command that will not ask it anything checks it is there). */
  async ping(): Promise<void> {
    await this.query('{ __typename }');
  }

  /** Runs one GraphQL operation; its first error becomes a TracegraphError with the server's code. */
  async query<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await this.request(this.info.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ query, variables }),
    });
    let body: GraphQLAnswer<T>;
    try {
      body = (await res.json()) as GraphQLAnswer<T>;
    } catch {
      throw new TracegraphError(
        'STORE_UNAVAILABLE',
        `the server at ${this.info.url} answered HTTP ${res.status} without GraphQL`,
      );
    }
    const [first] = body.errors ?? [];
    // The server's codes are ours (core/errors.ts); yoga's own (GRAPHQL_PARSE_FAILED, ...) are bugs here.
    if (first) throw new TracegraphError((first.extensions?.code ?? 'INTERNAL') as ErrorCode, first.message);
    if (!body.data)
      throw new TracegraphError('STORE_UNAVAILABLE', `the server at ${this.info.url} answered HTTP ${res.status} without data`);
    return body.data;
  }
}

/** The server holding this data directory's graph, if one is running. */
export function runningServer(dataDir: string): RemoteServer | undefined {
  const s = localServer(dataDir);
  return s ? new RemoteServer(s) : undefined;
}
