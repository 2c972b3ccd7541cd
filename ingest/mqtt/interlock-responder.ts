/**
 * The interlock over MQTT request/response: a station publishes `{"item", "step", "station",
 * "operator"?}` on `tracegraph/v1/<site>/<line>/<station>/interlock/req` and hears the answer on
 * `.../interlock/res` (or the request's MQTT 5 response topic), carrying the request's correlation
 * data. A 3.1.1 client puts `correlationId` in the payload instead; it comes back in the answer.
 * A request that cannot be read is answered too (allow false, reason BAD_INPUT), never dropped.
 */
import mqtt, { type IClientPublishOptions, type MqttClient } from 'mqtt';
import { TracegraphError } from '../../core/errors.ts';
import type { InterlockAnswer } from '../../domain/loop/interlock.ts';
import { withoutNagle } from './no-delay.ts';

export const INTERLOCK_FILTER = 'tracegraph/v1/+/+/+/interlock/req';

export interface InterlockResponderOptions {
  url: string;
  check: (request: unknown) => Promise<InterlockAnswer>;
  clientId?: string;
  username?: string;
  password?: string;
  /** 5 (default) or 4 for MQTT 3.1.1 brokers (then only `correlationId` in the payload correlates). */
  protocolVersion?: 4 | 5;
  /** Shared-subscription group (MQTT 5): several responders split the requests. */
  group?: string;
  warn?: (message: string) => void;
}

export interface InterlockResponder {
  readonly client: MqttClient;
  close(): Promise<void>;
}

type Answer = InterlockAnswer & { correlationId?: string | number; station?: string };

export async function startInterlockResponder(o: InterlockResponderOptions): Promise<InterlockResponder> {
  const warn = o.warn ?? ((m) => process.stderr.write(`tracegraph interlock: ${m}\n`));
  const v5 = (o.protocolVersion ?? 5) === 5;
  const client = withoutNagle(
    await mqtt.connectAsync(o.url, {
      protocolVersion: v5 ? 5 : 4,
      clientId: o.clientId ?? `tracegraph-interlock-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      username: o.username,
      password: o.password,
      reconnectPeriod: 1000,
    }),
  );
  const filter = o.group && v5 ? `$share/${o.group}/${INTERLOCK_FILTER}` : INTERLOCK_FILTER;
  await client.subscribeAsync(filter, { qos: 1 });
  let pending = 0;
  client.on('message', (topic, payload, packet) => {
    pending++;
    void (async () => {
      let body: unknown;
      let correlationId: string | number | undefined;
      let answer: Answer;
      try {
        try {
          body = JSON.parse(payload.toString('utf8'));
        } catch {
          throw new TracegraphError('BAD_INPUT', 'the request is not JSON: send {"item", "step", "station", "operator"?}');
        }
        if (body && typeof body === 'object' && 'correlationId' in body) {
          const c = (body as { correlationId: unknown }).correlationId;
          if (typeof c === 'string' || typeof c === 'number') correlationId = c;
          const { correlationId: _drop, ...rest } = body as Record<string, unknown>;
          body = rest;
        }
        answer = await o.check(body);
      } catch (e) {
        const code = e instanceof TracegraphError ? e.code : 'INTERNAL';
        const message = e instanceof TracegraphError ? e.message : 'the interlock check failed: ask the line supervisor';
        if (!(e instanceof TracegraphError)) warn(`check failed on ${topic}: ${(e as Error).message}`);
        answer = { allow: false, reasons: [{ code: code as never, message }], checkedAt: new Date().toISOString() };
      }
      if (correlationId !== undefined) answer = { ...answer, correlationId };
      const props = packet.properties;
      const to = (v5 && props?.responseTopic) || topic.replace(/\/req$/, '/res');
      const opts: IClientPublishOptions = { qos: 1 };
      if (v5 && props?.correlationData) opts.properties = { correlationData: props.correlationData };
      await client.publishAsync(to, JSON.stringify(answer), opts);
    })()
      .catch((e: Error) => warn(`could not answer on ${topic}: ${e.message}`))
      .finally(() => pending--);
  });
  return {
    client,
    async close() {
      for (let i = 0; pending > 0 && i < 50; i++) await new Promise((r) => setTimeout(r, 20));
      await client.endAsync();
    },
  };
}
