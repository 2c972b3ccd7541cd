/**
 * The plant's MQTT side: scanners, inspection stations, assembly terminals, packing and shipping
 * publish canonical events on `tracegraph/v1/<site>/<line>/<station>/<kind>` at QoS 1, as the
 * devices of a real plant would (one client per line, persistent so nothing is lost on a broker
 * restart).
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { CanonicalEventInput } from '../../core/events.ts';
import { settleWithin } from '../../core/settle-within.ts';
import { withoutNagle } from '../mqtt/no-delay.ts';

export interface StationPublisher {
  publish(station: string, event: CanonicalEventInput): void;
  /** Resolves when every publish so far has been acknowledged by the broker. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export async function connectPublisher(o: {
  url: string;
  site: string;
  line: string;
  clientId: string;
  warn: (m: string) => void;
}): Promise<StationPublisher> {
  // MQTT 3.1.1 so that any broker takes it (the demo's embedded aedes speaks nothing newer).
  const client: MqttClient = withoutNagle(
    await mqtt.connectAsync(o.url, {
      protocolVersion: 4,
      clientId: o.clientId,
      clean: false,
      reconnectPeriod: 500,
    }),
  );
  client.on('error', (e) => o.warn(`simulator mqtt: ${e.message}`));
  let pending: Promise<unknown>[] = [];
  return {
    publish(station, event) {
      const topic = `tracegraph/v1/${o.site}/${o.line}/${station}/${event.kind}`;
      const p = client
        .publishAsync(topic, JSON.stringify(event), { qos: 1 })
        .catch((e: Error) => o.warn(`simulator: publish on ${topic} failed: ${e.message}`));
      pending.push(p);
      if (pending.length > 1000) pending = pending.slice(-1000);
    },
    async settled() {
      const now = pending;
      pending = [];
      await Promise.all(now);
    },
    async close() {
      // Publishes in flight are given a moment to be acknowledged; a broker that has gone away
      // would otherwise hold the close (and the demo's exit) for ever.
      const flushed = await settleWithin(Promise.all(pending), 5000);
      if (!(await settleWithin(client.endAsync(!flushed), 5000))) await client.endAsync(true);
    },
  };
}
