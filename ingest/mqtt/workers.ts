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
import type { IPublishPacket, MqttClient } from 'mqtt';
import { GroupMember } from './group.ts';
import {
  initialEpoch,
  nextIdentifier,
  readSessionState,
  TAKE_ALL,
  writeSessionState,
  type SessionState,
} from './session-state.ts';
import { subscriptionFilters } from './topics.ts';
import { startMqttWorker, type MqttWorker, type MqttWorkerOptions } from './worker.ts';

export interface MqttWorkersOptions extends MqttWorkerOptions {
  /** Connections (default 1: exactly one worker as `startMqttWorker`, same client id and session). */
  connections?: number;
  /**
   * Where the process remembers its subscription identifiers (e.g. `<data>/mqtt-sessions.json`):
   * several connections without a group, which one every session has held since; in a group, the
   * highest used. Without it a restart takes the sessions' backlog on every connection once
   * (duplicates only: the store skips known eventIds), and a group member relies on the clock for
   * identifiers its sessions have not held (group.ts).
   */
  stateFile?: string;
}

export interface MqttWorkers extends MqttWorker {
  readonly clients: MqttWorker['client'][];
}

/**
 * With more than one connection each gets the client id `<clientId>-<n>` (stable, so each keeps
 * its broker session). With a `group` (several processes sharing the topics) they join that MQTT 5
 * shared subscription with a safety net beside it (group.ts); without one they split the stream by
 * a hash of each message (Partitions).
 */
export async function startMqttWorkers(o: MqttWorkersOptions): Promise<MqttWorkers> {
  const n = o.connections ?? 1;
  const workers: MqttWorker[] = [];
  if (n > 1 && o.protocolVersion === 4)
    throw new Error('several connections need MQTT 5 (subscription identifiers, shared subscriptions): use protocolVersion 5');
  const partitions = n > 1 && !o.group ? new Partitions(n, o.clientId, o.stateFile, o.warn) : undefined;
  const group = o.group && o.protocolVersion !== 4 ? new GroupMember(o.group, o.clientId, n, o.stateFile) : undefined;
  try {
    if (n <= 1 && !group) workers.push(await startMqttWorker(o));
    else
      for (let i = 0; i < n; i++)
        workers.push(
          await startMqttWorker({
            ...o,
            clientId: n > 1 ? `${o.clientId}-${i + 1}` : o.clientId,
            ...(partitions ? partitions.member(i) : group!.member(i)),
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

type State = SessionState;

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
    const epoch = nextIdentifier(this.state.highest);
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
    return readSessionState(this.file);
  }

  private write(): void {
    writeSessionState(this.file, this.state);
  }
}
