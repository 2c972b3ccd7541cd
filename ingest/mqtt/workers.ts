/**
 * Several MQTT connections in one process. MQTT.js settles a connection's messages one at a time
 * (the PUBACK of one goes before the next is read), so one connection pays a full event-log fsync
 * per message; with N connections N messages are in hand at once and the event log's group commit
 * flushes them together.
 *
 * Without a `group` the connections split the stream without a shared subscription, because a
 * broker need not keep one: Mosquitto 2.0 restores a persistent session after a restart without its
 * `$share/...` subscriptions, so what is published before the worker subscribes again goes nowhere.
 * Ordinary subscriptions it does keep. So each connection keeps its own persistent session with an
 * ordinary subscription (every session gets a copy of every message, queued while the worker is
 * away), takes the messages that hash to it and acknowledges the others untaken: the connection
 * they hash to has a copy of its own. That holds only for messages published while every session
 * had the subscription; the subscription identifier (MQTT 5), which the broker stamps on each copy
 * when it queues it, tells those apart (see Partitions).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { IPublishPacket, MqttClient } from 'mqtt';
import { z } from 'zod';
import { subscriptionFilters } from './topics.ts';
import { startMqttWorker, type MqttWorker, type MqttWorkerOptions } from './worker.ts';

export interface MqttWorkersOptions extends MqttWorkerOptions {
  /** Connections (default 1: exactly one worker as `startMqttWorker`, same client id and session). */
  connections?: number;
  /**
   * Where several connections without a group remember which subscription identifier every
   * session has held since (e.g. `<data>/mqtt-sessions.json`). Without it a restart takes the
   * sessions' backlog on every connection once (duplicates only: the store skips known eventIds).
   */
  stateFile?: string;
}

export interface MqttWorkers extends MqttWorker {
  readonly clients: MqttWorker['client'][];
}

/**
 * With more than one connection each gets the client id `<clientId>-<n>` (stable, so each keeps
 * its broker session). With a `group` (several processes sharing the topics) they join that MQTT 5
 * shared subscription; without one they split the stream by a hash of each message (Partitions).
 */
export async function startMqttWorkers(o: MqttWorkersOptions): Promise<MqttWorkers> {
  const n = o.connections ?? 1;
  const workers: MqttWorker[] = [];
  if (n > 1 && o.protocolVersion === 4)
    throw new Error('several connections need MQTT 5 (subscription identifiers, shared subscriptions): use protocolVersion 5');
  const partitions = n > 1 && !o.group ? new Partitions(n, o.clientId, o.stateFile, o.warn) : undefined;
  try {
    if (n <= 1) workers.push(await startMqttWorker(o));
    else
      for (let i = 0; i < n; i++)
        workers.push(
          await startMqttWorker({
            ...o,
            clientId: `${o.clientId}-${i + 1}`,
            ...(partitions ? partitions.member(i) : { group: o.group }),
          }),
        );
  } catch (e) {
    await Promise.all(workers.map((w) => w.close()));
    throw e;
  }
  return {
    client: workers[0]!.client,
    clients: workers.map((w) => w.client),
    async close() {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}

/** Subscription identifier of a subscription whose copies every connection takes. */
const TAKE_ALL = 1;
/** The largest subscription identifier MQTT 5 allows. */
const MAX_IDENTIFIER = 268_435_455;

const StateSchema = z.object({
  clientId: z.string(),
  connections: z.number().int(),
  /** The highest identifier ever subscribed with: a new epoch takes a higher one. */
  highest: z.number().int(),
  /** The identifier every session has held continuously since it was subscribed, if any. */
  established: z.number().int().nullable(),
});
type State = z.infer<typeof StateSchema>;

/** FNV-1a over the topic and the payload: a redelivered copy hashes like the first one. */
function hash(topic: string, payload: Buffer): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < topic.length; i++) h = Math.imul(h ^ topic.charCodeAt(i), 0x01000193);
  for (let i = 0; i < payload.length; i++) h = Math.imul(h ^ payload[i]!, 0x01000193);
  return h >>> 0;
}

/**
 * Which copies a connection may acknowledge untaken. A copy may be skipped only when the
 * connection it hashes to has its own copy, i.e. when that connection's session held the
 * subscription when the message was published. Subscriptions are made in two steps: each session
 * subscribes with TAKE_ALL (its copies are taken by whoever gets them), and once every session has,
 * all subscribe again with a fresh identifier, the epoch. A copy stamped with the epoch was queued
 * after every session had a subscription, so its owner has one too. A session the broker no longer
 * has (session-present off: expired, or the broker lost its state) ends the epoch: the surviving
 * sessions' queued copies may be the only ones, so everyone takes everything until a new epoch is
 * set up. Until every connection is back after a disconnect, nobody skips either: one whose session
 * turns out lost may still be on its way.
 */
class Partitions {
  private readonly filters = subscriptionFilters();
  private readonly members: { client?: MqttClient; subscribed: boolean; tidied?: boolean }[];
  private state: State;
  /** Bumped on each connect and close: an epoch set-up interrupted by either is abandoned. */
  private generation = 0;
  private safe = false;

  constructor(
    private readonly n: number,
    private readonly clientId: string,
    private readonly file: string | undefined,
    private readonly warn: (m: string) => void = (m) => process.stderr.write(`tracegraph mqtt: ${m}\n`),
  ) {
    this.members = Array.from({ length: n }, () => ({ subscribed: false }));
    const stored = this.read();
    this.state =
      stored && stored.clientId === clientId && stored.connections === n
        ? stored
        : { clientId, connections: n, highest: stored?.highest ?? initialEpoch(), established: null };
  }

  member(i: number): Pick<MqttWorkerOptions, 'subscribe' | 'onClose' | 'skip'> {
    return {
      subscribe: (client, sessionPresent) => this.connected(i, client, sessionPresent),
      onClose: () => {
        const m = this.members[i]!;
        if (m.subscribed) this.generation++;
        m.subscribed = false;
        this.safe = false;
      },
      skip: (topic, payload, packet) => this.skip(i, topic, payload, packet),
    };
  }

  private skip(i: number, topic: string, payload: Buffer, packet: IPublishPacket): boolean {
    if (!this.safe || this.state.established === null) return false;
    const id = packet.properties?.subscriptionIdentifier;
    const stamped = Array.isArray(id) ? id.includes(this.state.established) : id === this.state.established;
    return stamped && hash(topic, payload) % this.n !== i;
  }

  private async connected(i: number, client: MqttClient, sessionPresent: boolean): Promise<void> {
    const m = this.members[i]!;
    m.client = client;
    m.subscribed = false;
    this.safe = false;
    this.generation++;
    if (!sessionPresent && this.state.established !== null) {
      this.warn(
        `the broker has no session for ${client.options.clientId}: every connection takes every message until the sessions are set up again`,
      );
      this.state = { ...this.state, established: null };
      this.write();
    }
    await this.subscribe(client, this.state.established ?? TAKE_ALL);
    if (sessionPresent && !m.tidied) {
      // Sessions of earlier versions shared the stream through `$share/<clientId>/...`: left in place,
      // those copies would only be taken twice, but the broker would keep queuing them.
      m.tidied = true;
      await client.unsubscribeAsync(subscriptionFilters(this.clientId)).catch(() => undefined);
    }
    m.subscribed = true;
    void this.settle().catch((e: Error) => this.warn(`could not split the stream between connections yet: ${e.message}`));
  }

  private subscribe(client: MqttClient, identifier: number): Promise<unknown> {
    return client.subscribeAsync(this.filters, { qos: 1, properties: { subscriptionIdentifier: identifier } });
  }

  /** Once every connection is subscribed: skipping resumes, or a new epoch is set up first. */
  private async settle(): Promise<void> {
    if (!this.members.every((m) => m.subscribed)) return;
    if (this.state.established !== null) {
      this.safe = true;
      return;
    }
    const generation = this.generation;
    const epoch = this.state.highest >= MAX_IDENTIFIER ? TAKE_ALL + 1 : this.state.highest + 1;
    // Recorded before use: an epoch half set up by a process that died is never taken for a whole one.
    this.state = { ...this.state, highest: epoch };
    this.write();
    await Promise.all(this.members.map((m) => this.subscribe(m.client!, epoch)));
    if (generation !== this.generation) return; // a connection came or went meanwhile: its connect settles again
    this.state = { ...this.state, established: epoch };
    this.write();
    this.safe = true;
  }

  private read(): State | undefined {
    if (!this.file) return undefined;
    try {
      return StateSchema.parse(JSON.parse(readFileSync(this.file, 'utf8')));
    } catch {
      return undefined; // missing or unreadable: a new epoch, so nothing is skipped on trust
    }
  }

  private write(): void {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state));
    renameSync(tmp, this.file);
  }
}

/**
 * Without a record of earlier epochs, start above any recent one: seconds since 2026 (wraps after
 * eight years, long after any queued copy of an old epoch is gone).
 */
function initialEpoch(): number {
  const seconds = Math.max(0, Math.floor((Date.now() - Date.UTC(2026, 0, 1)) / 1000));
  return (seconds % (MAX_IDENTIFIER - 2)) + TAKE_ALL + 1;
}
