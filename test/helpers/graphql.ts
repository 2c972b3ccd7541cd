/** One way the API tests talk GraphQL over HTTP, so that a header (e.g. Authorization) is added in one place. */
export interface GqlResponse<D = Record<string, unknown>> {
  status: number;
  data?: D | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** Headers every API test request carries. */
export const testHeaders: Record<string, string> = {};

export async function gql<D = Record<string, unknown>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GqlResponse<D>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...testHeaders },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, ...((await res.json()) as Omit<GqlResponse<D>, 'status'>) };
}
