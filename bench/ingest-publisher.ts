/**
 * The plant side of the ingest bench, in its own process (as stations are): publishes the
 * synthetic plant's events over MQTT at QoS 1 as fast as the broker takes them, `perMessage`
 * events per message, spread over station topics. Each event's `eventTime` is the moment
 * it is published, so the consumer can measure end-to-end lag from it.
 * Usage: node --import tsx bench/ingest-publisher.ts '{"url": ..., "events": N, "perMessage": M, "units": U}'
 */
import mqtt from 'mqtt';
import { generatePlant } from '../ingest/seed/plant.ts';
import { withoutNagle } from '../ingest/mqtt/no-delay.ts';

interface Args {
  url: string;
  events: number;
  perMessage: number;
  units: number;
  stations?: number;
  inFlight?: number;
}

const a = JSON.parse(process.argv[2] ?? '{}') as Args;
const stations = a.stations ?? 8;
const client = withoutNagle(await mqtt.connectAsync(a.url, { protocolVersion: 5, clientId: `bench-publisher-${process.pid}` }));
// Generated before the clock starts: the plant's stations do not compute their events either.
const all: Record<string, unknown>[] = [];
for (const e of generatePlant({ units: a.units, seed: 1 })) {
  if (all.length >= a.events) break;
  all.push({ ...e });
}
const pending = new Set<Promise<unknown>>();
const t0 = Date.now();
let sent = 0;
for (let i = 0; i < all.length;) {
  // One message: the next perMessage events (a gateway batching its stations; the payload's
  // `kind` decides, the topic's last level only names the first).
  const j = Math.min(i + a.perMessage, all.length);
  const kind = all[i]!.kind as string;
  const message = all.slice(i, j);
  const stamp = new Date().toISOString();
  for (const m of message) m.eventTime = stamp;
  const topic = `tracegraph/v1/bench/line1/st${sent % stations}/${kind}`;
  const p = client.publishAsync(topic, JSON.stringify(a.perMessage === 1 ? message[0] : message), { qos: 1 });
  pending.add(p);
  void p.finally(() => pending.delete(p));
  if (pending.size >= (a.inFlight ?? 200)) await Promise.race(pending);
  sent += message.length;
  i = j;
}
await Promise.all(pending);
const seconds = (Date.now() - t0) / 1000;
await client.endAsync();
process.stdout.write(JSON.stringify({ published: sent, seconds }) + '\n');
