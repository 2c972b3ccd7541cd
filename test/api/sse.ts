/** What subscription tests share: an inbox of results, SSE subscriptions over real HTTP, and a trigger-until-yield helper. */
import { DEV_KEY } from './client.ts';

export type Payload = { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };

/** A subscription's results as they come, from either transport. */
export class Inbox {
  private readonly items: Payload[] = [];
  private waiting: (() => void) | undefined;
  closed = false;
  push(p: Payload): void {
    this.items.push(p);
    this.waiting?.();
  }
  end(): void {
    this.closed = true;
    this.waiting?.();
  }
  /** The next result, or undefined if none comes within `ms`. */
  async next(ms = 5_000): Promise<Payload | undefined> {
    if (!this.items.length && !this.closed)
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, ms);
        this.waiting = () => {
          clearTimeout(t);
          resolve();
        };
      });
    this.waiting = undefined;
    return this.items.shift();
  }
}

/** Subscribes over SSE (POST with Accept: text/event-stream); `stop` aborts the request. */
export async function sse(url: string, query: string, variables: Record<string, unknown> = {}, key = DEV_KEY) {
  const abort = new AbortController();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
    signal: abort.signal,
  });
  const inbox = new Inbox();
  void (async () => {
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trim())
            .join('\n');
          if (/^event: next/m.test(block) && data) inbox.push(JSON.parse(data) as Payload);
        }
      }
    } catch {
      // aborted by stop()
    }
    inbox.end();
  })();
  return { res, inbox, stop: () => abort.abort() };
}

/**
 * Repeats `trigger` until the subscription yields (a subscription has no "I am listening"
 * signal: the first triggers may come before the server subscribed), then returns the first result.
 */
export async function firstAfter(inbox: Inbox, trigger: () => Promise<unknown> | void): Promise<Payload> {
  for (let i = 0; i < 50; i++) {
    await trigger();
    const got = await inbox.next(200);
    if (got) return got;
  }
  throw new Error('the subscription never yielded');
}
