/**
 * The MQTT worker: a persistent MQTT 5 session that feeds the pipeline and acknowledges a QoS 1
 * message only after the pipeline has it in the event log (or in the dead letters). A crash before
 * that leaves the message unacknowledged in the broker's session, so it is delivered again; the
 * pipeline's eventId dedupe makes the redelivery harmless.
 */
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { TracegraphError } from '../../core/errors.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';
import { DEFAULT_MAX_MESSAGE_BYTES, handleMessage } from './handle.ts';
import { subscriptionFilters } from './topics.ts';
import { withoutNagle } from './no-delay.ts';

export interface MqttWorkerOptions {
  /** e.g. `mqtt://broker:1883`, `mqtts://broker:8883`. */
  url: string;
  pipeline: Pipeline;
  /** Must be stable across restarts: the broker keeps the session (and queued messages) under it. */
  clientId: string;
  /** Shared-subscription group: workers in one group split the messages between them. */
  group?: string;
  username?: string;
  password?: string;
  tls?: { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer; rejectUnauthorized?: boolean };
  /** Larger messages are dead-lettered unread (default 1 MiB). */
  maxMessageBytes?: number;
  /** How long the broker keeps the session while the worker is away (default 7 days). */
  sessionExpirySeconds?: number;
  /** Reconnect backoff, doubling from min to max (default 500 ms .. 30 s). */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  warn?: (message: string) => void;
  /**
   * 5 (default) or 4 (MQTT 3.1.1, for brokers without MQTT 5 such as the demo's embedded aedes).
   * With 4 the session is kept by `clean: false` alone (the broker decides how long) and shared
   * subscriptions (`group`) are not available.
   */
  protocolVersion?: 4 | 5;
  /**
   * Replaces the plain subscribe on each connect (workers.ts splits a stream between connections
   * with it). Called with the CONNACK's session-present flag; the worker is started once it resolves.
   */
  subscribe?: (client: MqttClient, sessionPresent: boolean) => Promise<void>;
  /** Told when the connection is lost (before any reconnect). */
  onClose?: () => void;
  /**
   * True when this connection may acknowledge a message without taking it, because another
   * connection's session holds its own copy and takes that one (workers.ts).
   */
  skip?: (topic: string, payload: Buffer, packet: IPublishPacket) => boolean;
}

export interface MqttWorker {
  /** The underlying client (tests and metrics read its state). */
  readonly client: MqttClient;
  /** Stops taking messages, waits for the one in hand to be settled and acknowledged, then disconnects. */
  close(): Promise<void>;
}

const SEVEN_DAYS = 7 * 24 * 3600;

/** Resolves once the worker is connected and subscribed; from then on it reconnects by itself. */
export async function startMqttWorker(o: MqttWorkerOptions): Promise<MqttWorker> {
  const warn = o.warn ?? ((m) => process.stderr.write(`tracegraph mqtt: ${m}\n`));
  const maxBytes = o.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const minMs = o.reconnectMinMs ?? 500;
  const maxMs = o.reconnectMaxMs ?? 30_000;
  let inHand: Promise<unknown> = Promise.resolve();
  let closing = false;

  const settle = (topic: string, payload: Buffer): Promise<void> => {
    const run = handleMessage(o.pipeline, topic, payload, maxBytes).then(() => undefined);
    inHand = run.catch(() => undefined);
    return run;
  };

  const v5 = (o.protocolVersion ?? 5) === 5;
  if (!v5 && o.group) throw new Error('shared subscriptions (group) need MQTT 5: drop the group or use protocolVersion 5');
  const options: IClientOptions = {
    protocolVersion: v5 ? 5 : 4,
    clientId: o.clientId,
    // With MQTT 5 `clean: false` alone gives a session that expires at disconnect (measured with MQTT.js 5.16).
    clean: false,
    properties: v5 ? { sessionExpiryInterval: o.sessionExpirySeconds ?? SEVEN_DAYS } : undefined,
    reconnectPeriod: minMs,
    connectTimeout: 10_000,
    // We subscribe on every connect ourselves (below), whether or not the broker kept the session.
    resubscribe: false,
    username: o.username,
    password: o.password,
    ...(o.tls ?? {}),
    // MQTT.js waits for `done` before it reads the next packet, so messages are settled in order,
    // one at a time, and the PUBACK leaves only after the pipeline has logged the message.
    customHandleAcks: (topic, payload, packet, done) => {
      if (closing) return; // no ack: the broker redelivers it to the next session
      if (o.skip?.(topic, payload, packet)) return done(0);
      settle(topic, payload).then(
        () => done(0),
        (e: Error) => {
          // The pipeline could not store it (closed, disk error): no PUBACK, the broker keeps it.
          warn(`message on ${topic} not acknowledged: ${e.message}`);
          done(e);
        },
      );
    },
  };

  const client = withoutNagle(mqtt.connect(o.url, options));
  client.on('error', (e) => warn(`client error: ${e.message}`));
  if (!v5) {
    // MQTT.js ignores customHandleAcks below MQTT 5; its handleMessage hook is the other place
    // that holds the PUBACK (sent when the callback is called, and not on an error).
    client.handleMessage = (packet, callback) => {
      if (packet.cmd !== 'publish' || packet.qos === 0) return callback();
      if (closing) return; // no ack: the broker redelivers it to the next session
      if (o.skip?.(packet.topic, packet.payload as Buffer, packet)) return callback();
      settle(packet.topic, packet.payload as Buffer).then(
        () => callback(),
        (e: Error) => {
          warn(`message on ${packet.topic} not acknowledged: ${e.message}`);
          callback(e);
        },
      );
    };
  }
  // A QoS 0 publish is delivered at QoS 0 despite our QoS 1 subscription, and bypasses customHandleAcks.
  client.on('message', (topic, payload, packet) => {
    if (packet.qos === 0 && !closing && !o.skip?.(topic, payload, packet))
      settle(topic, payload).catch((e: Error) => warn(`QoS 0 message on ${topic} lost: ${e.message}`));
  });
  // Backoff: MQTT.js reads `reconnectPeriod` each time it schedules a reconnect.
  client.on('offline', () => {
    client.options.reconnectPeriod = Math.min((client.options.reconnectPeriod ?? minMs) * 2, maxMs);
  });

  const filters = subscriptionFilters(o.group);
  const subscribe = (sessionPresent: boolean) =>
    o.subscribe ? o.subscribe(client, sessionPresent) : client.subscribeAsync(filters, { qos: 1 }).then(() => undefined);
  if (o.onClose) client.on('close', o.onClose);
  let started = false;
  await new Promise<void>((resolve, reject) => {
    // A refused CONNACK (bad credentials, not authorised) ends MQTT.js's reconnects: before the
    // first connect that is a configuration error to report, not something to wait out.
    client.on('error', (e: Error & { code?: unknown }) => {
      if (started || typeof e.code !== 'number' || e.code < 0x80) return;
      client.end(true);
      reject(
        new TracegraphError(
          'CONFIG',
          `broker ${o.url} refused the connection (${e.message}): check the MQTT user, password and client id (TRACEGRAPH_MQTT_USER, TRACEGRAPH_MQTT_PASSWORD)`,
        ),
      );
    });
    client.on('connect', (connack) => {
      client.options.reconnectPeriod = minMs;
      subscribe(connack.sessionPresent).then(
        () => {
          started = true;
          resolve();
        },
        (e: Error) => {
          warn(`subscribe failed: ${e.message}`);
          // Before the first subscription nobody holds the worker yet: stop the client, not leak
          // it. Later a failed re-subscribe is only warned: the kept session still holds the old one.
          if (started) return;
          client.end(true);
          reject(e);
        },
      );
    });
  });

  return {
    client,
    async close() {
      closing = true;
      await inHand;
      // A graceful end waits for the acks of our own packets still out, and for the socket to
      // close, which it does not while a message that arrived after `closing` holds the reader
      // (its unread data keeps the socket open). Neither may wait for ever: the connection is
      // dropped instead, and the broker keeps the session either way (an acknowledgement lost
      // with it only means a redelivery, which the eventId dedupe absorbs).
      const drop = setTimeout(() => client.stream?.destroy(), 2_000);
      try {
        await client.endAsync(Object.keys(client.outgoing).length > 0);
      } finally {
        clearTimeout(drop);
      }
    },
  };
}
