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

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export class RemoteServer {
  constructor(readonly info: LocalServer) {}

  get url(): string {
    return this.info.url;
  }

  /** Runs one GraphQL operation; its first error becomes a TracegraphError with the server's code. */
  async query<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.info.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          authorization: `Bearer ${this.info.token}`,
        },
        body: JSON.stringify({ query, variables }),
      });
    } catch (e) {
      throw new ServerUnreachable(`${this.info.url}: ${(e as Error).message}`, { cause: e });
    }
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
