/**
 * Several MQTT connections in one process, sharing the topics through an MQTT 5 shared
 * subscription. MQTT.js settles a connection's messages one at a time (the PUBACK of one goes
 * before the next is read), so one connection pays a full event-log fsync per message; with N
 * connections N messages are in hand at once and the event log's group commit flushes them together.
 */
import { startMqttWorker, type MqttWorker, type MqttWorkerOptions } from './worker.ts';

export interface MqttWorkersOptions extends MqttWorkerOptions {
  /** Connections (default 1: exactly one worker as `startMqttWorker`, same client id and session). */
  connections?: number;
}

export interface MqttWorkers extends MqttWorker {
  readonly clients: MqttWorker['client'][];
}

/**
 * With more than one connection each gets the client id `<clientId>-<n>` (stable, so each keeps
 * its broker session) and joins the shared-subscription group (`group`, default the client id),
 * so the broker splits the messages between them instead of sending each to all.
 */
export async function startMqttWorkers(o: MqttWorkersOptions): Promise<MqttWorkers> {
  const n = o.connections ?? 1;
  const workers: MqttWorker[] = [];
  try {
    if (n <= 1) workers.push(await startMqttWorker(o));
    else
      for (let i = 1; i <= n; i++)
        workers.push(await startMqttWorker({ ...o, clientId: `${o.clientId}-${i}`, group: o.group ?? o.clientId }));
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
