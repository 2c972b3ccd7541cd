/**
 * Small pieces every HTTP handler here needs: JSON and text answers, a body read under a size
 * limit, and a route table with one place that turns a handler's unexpected failure into a 500.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Handler = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void>;

export interface Route {
  /** An exact path (`/graphql`), or a prefix when it ends with `/` (`/epcis/`). */
  path: string;
  /** Methods this route answers; any other falls through to the next route (default: all). */
  methods?: readonly string[];
  handle: Handler;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
}

/**
 * A request whose credentials were refused: 401, or 429 with Retry-After while its address is
 * throttled for failed authentications (as GraphQL and EPCIS answer).
 */
export function sendUnauthenticated(res: ServerResponse, refused: { reason: string; retryAfterSeconds?: number }): void {
  if (refused.retryAfterSeconds === undefined) return sendJson(res, 401, { error: refused.reason, code: 'UNAUTHENTICATED' });
  sendJson(res, 429, { error: refused.reason, code: 'TOO_MANY_ATTEMPTS' }, { 'retry-after': String(refused.retryAfterSeconds) });
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(text);
}

/** The request body was over the limit: answer 413 and close the connection (the rest is unread). */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`request body over ${limit} bytes`);
  }
}

/** Reads the whole body, stopping as soon as it passes the limit (Content-Length may be absent or lie). */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLarge(limit);
  // With a declared length each chunk is copied into place as it arrives: one Buffer.concat of a
  // 50 MB capture at the end held the event loop ~0.5 s on a loaded machine.
  const into = Number.isFinite(declared) && declared > 0 ? Buffer.allocUnsafe(declared) : undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    if (size + chunk.length > limit) throw new BodyTooLarge(limit);
    if (into && size + chunk.length <= into.length) chunk.copy(into, size);
    else chunks.push(chunk);
    size += chunk.length;
  }
  if (!into) return Buffer.concat(chunks);
  return chunks.length ? Buffer.concat([into.subarray(0, Math.min(size, into.length)), ...chunks]) : into.subarray(0, size);
}

/** The path of the request URL, without the query. */
export function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0] ?? '/';
}

/**
 * A request listener for node:http: the first route whose path and method match handles the
 * request, `notFound` when none does. A handler that throws (a bug, a dropped connection) is
 * logged under `name` and answered 500, or the connection is cut when the answer had begun.
 */
export function router(
  name: string,
  routes: readonly Route[],
  notFound: Handler,
): (req: IncomingMessage, res: ServerResponse) => void {
  const find = (path: string, method: string) =>
    routes.find(
      (r) => (r.path.endsWith('/') ? path.startsWith(r.path) : path === r.path) && (!r.methods || r.methods.includes(method)),
    );
  return (req, res) => {
    const path = pathOf(req);
    const route = find(path, req.method ?? 'GET');
    (route ? route.handle : notFound)(req, res, path).catch((e: unknown) => {
      console.error(`${name}:`, e);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  };
}
