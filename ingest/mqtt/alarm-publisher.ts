/**
 * Alarms on MQTT, for line boards, andon lights and PLCs that do not speak GraphQL:
 *  - `tracegraph/v1/<site>/<line>/alarms` carries every transition (raised, changed, cleared) as it
 *    happens, not retained;
 *  - `tracegraph/v1/<site>/<line>/alarms/<equipment>/<parameter>` holds the retained state of that
 *    equipment and parameter: its open alarms (spec, SPC, due), or none. A client that connects
 *    later reads the current state of every pair with one subscription to `.../alarms/#`.
 * Segments are URI-encoded (an equipment id may hold `/`). The line of an equipment comes from the
 * quality configuration (`lineOf`).
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { AlarmRecord, GraphStore } from '../../cypher/port.ts';
import { MAX_ALARM_LIMIT } from '../../cypher/specs-alarms.ts';
import type { LiveBus } from '../../domain/live/bus.ts';
import { withoutNagle } from './no-delay.ts';

export interface AlarmPublisherOptions {
  url: string;
  site: string;
  bus: LiveBus;
  /** The line an equipment belongs to (default: `unassigned`). */
  lineOf?: (equipmentId: string) => string;
  /** Loads the open alarms at start, so the retained state is right from the first message. */
  store?: Pick<GraphStore, 'alarms'>;
  clientId?: string;
  username?: string;
  password?: string;
  protocolVersion?: 4 | 5;
  warn?: (message: string) => void;
}

export interface AlarmPublisher {
  readonly client: MqttClient;
  /** Resolves once everything handed over so far is published (QoS 1: acknowledged by the broker). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export type AlarmTransition = 'raised' | 'changed' | 'cleared';

/** The payload on `.../alarms/<equipment>/<parameter>`. */
export interface AlarmState {
  equipmentId: string;
  parameter: string;
  state: 'alarm' | 'normal';
  /** The most severe open alarm's severity, or null. */
  severity: AlarmRecord['severity'] | null;
  alarms: AlarmRecord[];
  updatedAt: string;
}

const SEVERITY_ORDER = ['info', 'warning', 'major', 'critical'];
const seg = (s: string) => encodeURIComponent(s);

export function alarmTopics(site: string, line: string, a: Pick<AlarmRecord, 'equipmentId' | 'parameter'>) {
  const base = `tracegraph/v1/${seg(site)}/${seg(line)}/alarms`;
  return { events: base, state: `${base}/${seg(a.equipmentId)}/${seg(a.parameter)}` };
}

export async function startAlarmPublisher(o: AlarmPublisherOptions): Promise<AlarmPublisher> {
  const warn = o.warn ?? ((m) => process.stderr.write(`tracegraph alarms: ${m}\n`));
  const lineOf = o.lineOf ?? (() => 'unassigned');
  const client = withoutNagle(
    await mqtt.connectAsync(o.url, {
      protocolVersion: o.protocolVersion ?? 5,
      clientId: o.clientId ?? `tracegraph-alarms-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      username: o.username,
      password: o.password,
      reconnectPeriod: 1000,
    }),
  );
  /** Open alarms per (equipment, parameter). */
  const open = new Map<string, Map<string, AlarmRecord>>();
  const pairOf = (a: AlarmRecord) => `${a.equipmentId}\u0000${a.parameter}`;
  for (const a of (await o.store?.alarms({ status: 'open', limit: MAX_ALARM_LIMIT })) ?? []) {
    const m = open.get(pairOf(a)) ?? new Map<string, AlarmRecord>();
    m.set(a.id, a);
    open.set(pairOf(a), m);
  }
  let chain: Promise<unknown> = Promise.resolve();

  const publish = (kind: AlarmTransition, a: AlarmRecord) => {
    const k = pairOf(a);
    const m = open.get(k) ?? new Map<string, AlarmRecord>();
    if (a.status === 'open') m.set(a.id, a);
    else m.delete(a.id);
    open.set(k, m);
    const alarms = [...m.values()];
    const severity = alarms.reduce<AlarmRecord['severity'] | null>(
      (s, x) => (s === null || SEVERITY_ORDER.indexOf(x.severity) > SEVERITY_ORDER.indexOf(s) ? x.severity : s),
      null,
    );
    const now = new Date().toISOString();
    const state: AlarmState = {
      equipmentId: a.equipmentId,
      parameter: a.parameter,
      state: alarms.length ? 'alarm' : 'normal',
      severity,
      alarms,
      updatedAt: now,
    };
    const t = alarmTopics(o.site, lineOf(a.equipmentId), a);
    const sent = Promise.all([
      client.publishAsync(t.state, JSON.stringify(state), { qos: 1, retain: true }),
      client.publishAsync(t.events, JSON.stringify({ transition: kind, alarm: a, at: now }), { qos: 1 }),
    ]).catch((e: Error) => warn(`could not publish alarm ${a.id}: ${e.message}`));
    chain = Promise.all([chain, sent]);
  };

  const subs = (['alarmRaised', 'alarmChanged', 'alarmCleared'] as const).map((topic) => {
    const kind: AlarmTransition = topic === 'alarmRaised' ? 'raised' : topic === 'alarmCleared' ? 'cleared' : 'changed';
    const it = o.bus.subscribe(topic);
    void (async () => {
      for await (const a of it) publish(kind, a);
    })();
    return it;
  });

  return {
    client,
    idle: () => chain.then(() => undefined),
    async close() {
      for (const it of subs) await it.return?.();
      await chain;
      await client.endAsync();
    },
  };
}
