/** What the API tests share: a GraphQL client over real HTTP, free ports, and the dev key. */
import { createServer } from 'node:net';

/** The key tests start servers with (`devKey`): an admin named `dev`. */
export const DEV_KEY = 'test-dev-key-0123456789abcdef';

export interface GqlResponse<D = Record<string, unknown>> {
  status: number;
  headers: Headers;
  data?: D | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** POSTs a query; `key` goes into `Authorization: Bearer` (null sends no header). */
export async function gql<D = Record<string, unknown>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  key: string | null = DEV_KEY,
): Promise<GqlResponse<D>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  let body: Omit<GqlResponse<D>, 'status' | 'headers'>;
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Error(`not JSON (HTTP ${res.status}): ${text.slice(0, 200)}`);
  }
  return { status: res.status, headers: res.headers, ...body };
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}
