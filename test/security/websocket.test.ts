/**
 * GraphQL over WebSocket (graphql-ws protocol, a raw `ws` client): a query that does not parse or
 * is over the limits is an error for that operation only; the socket and its other operations live on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEV_KEY } from '../api/client.ts';
import { startApi, type TestApi } from './api.ts';

interface Message {
  id?: string;
  type: string;
  payload?: unknown;
}

/** A graphql-transport-ws connection that records every message and the close code. */
async function connect(
  url: string,
): Promise<{ ws: WebSocket; messages: Message[]; closed: () => number | undefined; send: (m: Message) => void }> {
  const ws = new WebSocket(url, 'graphql-transport-ws');
  const messages: Message[] = [];
  let code: number | undefined;
  ws.on('message', (d: Buffer) => messages.push(JSON.parse(d.toString()) as Message));
  ws.on('close', (c: number) => (code = c));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const send = (m: Message) => ws.send(JSON.stringify(m));
  send({ type: 'connection_init', payload: { authorization: `Bearer ${DEV_KEY}` } });
  await until(() => messages.some((m) => m.type === 'connection_ack'));
  return { ws, messages, closed: () => code, send };
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('GraphQL over WebSocket', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi({ limits: { maxTokens: 200 } });
  });
  afterAll(async () => {
    await api?.close();
  });

  it.each([
    ['a syntax error', '{ traceForward(from: ["A"]) { lots { id } ', /Syntax Error/],
    [
      'a query over the token limit',
      `{ ${Array.from({ length: 300 }, (_, i) => `a${i}: __typename`).join(' ')} }`,
      /more than 200 tokens/,
    ],
  ])('answers %s with an error for that operation and keeps the socket', async (_what, query, message) => {
    const c = await connect(api.server.url.replace(/^http/, 'ws'));
    c.send({ id: 'bad', type: 'subscribe', payload: { query } });
    await until(() => c.messages.some((m) => m.id === 'bad') || c.closed() !== undefined);
    expect(c.closed()).toBeUndefined();
    const answer = c.messages.find((m) => m.id === 'bad');
    expect(answer?.type).toBe('error');
    expect(answer?.payload).toEqual([expect.objectContaining({ message: expect.stringMatching(message) })]);

    c.send({ id: 'good', type: 'subscribe', payload: { query: '{ __typename }' } });
    await until(() => c.messages.some((m) => m.id === 'good' && m.type === 'complete'));
    expect(c.messages.find((m) => m.id === 'good' && m.type === 'next')?.payload).toEqual({ data: { __typename: 'Query' } });
    expect(c.closed()).toBeUndefined();
    c.ws.close();
  });
});
