/**
 * Group mode (`--group NAME`: several ingest processes share the topics). Each connection joins the
 * MQTT 5 shared subscription `$share/NAME/...`, so the group splits the stream, and the process's
 * first connection keeps beside it an ordinary subscription to the same filters in its persistent
 * session: a safety net. Mosquitto 2.0 restores a session after a restart without its `$share/...`
 * subscriptions but with its ordinary ones and their subscription identifiers, so what is published
 * before the members have subscribed again is queued in the safety nets only.
 *
 * Shared copies are always taken. A safety-net copy is acknowledged untaken only when the broker
 * stamped it with the identifier this connection subscribed with after its `$share` subscription
 * was confirmed, on this same connection: the broker stamps a copy when it queues it, so this
 * session then held the shared subscription too, and the broker gave the shared copy to some member
 * (queued in its session if that one is away). A broker restart ends the connection, so a copy
 * stamped with that identifier after the restart arrives on a later connection, which has subscribed
 * with a fresh identifier: it is taken. Taken twice is harmless (the graph applies each eventId
 * once); the cost is that every member receives every message once more. One safety net per
 * process is enough (the argument above holds for any one session), so the other connections only
 * share: the broker sends each message once per member plus once to the group, not once per connection.
 */
import type { IPublishPacket, ISubscriptionGrant, MqttClient } from 'mqtt';
import type { MqttWorkerOptions } from './worker.ts';
import { initialEpoch, nextIdentifier, readSessionState, TAKE_ALL, writeSessionState } from './session-state.ts';
import { subscriptionFilters } from './topics.ts';

interface SafetyNet {
  /** The safety-net identifier set up on the current connection, once its shared subscription holds. */
  current?: number;
  /** Bumped on each connect and close: a set-up interrupted by either is abandoned. */
  generation: number;
}

export class GroupMember {
  private readonly shared: string[];
  private readonly filters = subscriptionFilters();
  private readonly net: SafetyNet = { generation: 0 };
  private highest: number;

  constructor(
    group: string,
    private readonly clientId: string,
    private readonly connections: number,
    private readonly file: string | undefined,
  ) {
    this.shared = subscriptionFilters(group);
    this.highest = readSessionState(file)?.highest ?? initialEpoch();
  }

  member(i: number): Pick<MqttWorkerOptions, 'subscribe' | 'onClose' | 'skip'> {
    if (i > 0)
      return {
        subscribe: async (client, sessionPresent) => {
          granted(await client.subscribeAsync(this.shared, { qos: 1, properties: { subscriptionIdentifier: TAKE_ALL } }));
          // Ordinary subscriptions left by a run without a group (same client ids) would be taken twice.
          if (sessionPresent) await client.unsubscribeAsync(this.filters).catch(() => undefined);
        },
      };
    const m = this.net;
    return {
      subscribe: (client) => this.subscribe(client),
      onClose: () => {
        m.generation++;
        m.current = undefined;
      },
      skip: (_topic, _payload, packet) => skip(m, packet),
    };
  }

  /** The first connection: shared, then the safety net under a fresh identifier. */
  private async subscribe(client: MqttClient): Promise<void> {
    const m = this.net;
    const generation = ++m.generation;
    m.current = undefined;
    granted(await client.subscribeAsync(this.shared, { qos: 1, properties: { subscriptionIdentifier: TAKE_ALL } }));
    // Never one a queued copy may carry: recorded before use, so a process that dies here does not reuse it.
    const identifier = (this.highest = nextIdentifier(this.highest));
    writeSessionState(this.file, {
      clientId: this.clientId,
      connections: this.connections,
      highest: identifier,
      established: null,
    });
    granted(await client.subscribeAsync(this.filters, { qos: 1, properties: { subscriptionIdentifier: identifier } }));
    if (generation === m.generation) m.current = identifier;
  }
}

function skip(m: SafetyNet, packet: IPublishPacket): boolean {
  if (m.current === undefined) return false;
  const id = packet.properties?.subscriptionIdentifier;
  const ids = Array.isArray(id) ? id : id === undefined ? [] : [id];
  return ids.includes(m.current) && !ids.includes(TAKE_ALL);
}

/** A refused filter (MQTT 5 reason code 0x80 and above) would leave the guarantee silently void. */
function granted(grants: ISubscriptionGrant[]): void {
  const refused = grants.filter((g) => g.qos >= 0x80);
  if (refused.length > 0)
    throw new Error(
      `the broker refused the subscription to ${refused.map((g) => g.topic).join(', ')} (reason ${refused[0]!.qos})`,
    );
}
