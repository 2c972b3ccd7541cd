/**
 * The quality loop on a real Mosquitto: alarms published with retained state per equipment and
 * parameter (a late subscriber sees the current state), and the interlock over MQTT 5
 * request/response with correlation data, and over MQTT 3.1.1 with `correlationId` in the payload.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TracegraphError } from '../../core/errors.ts';
import type { AlarmRecord, NewAlarm } from '../../cypher/port.ts';
import { newAlarmRecord } from '../../cypher/specs-alarms.ts';
import { createLiveBus, publishAlarmChanged, publishAlarmCleared, publishAlarmRaised } from '../../domain/live/bus.ts';
import type { InterlockAnswer } from '../../domain/loop/interlock.ts';
import { startAlarmPublisher, type AlarmPublisher, type AlarmState } from '../../ingest/mqtt/alarm-publisher.ts';
import { startInterlockResponder, type InterlockResponder } from '../../ingest/mqtt/interlock-responder.ts';
import { Broker, haveMosquitto } from '../mqtt/broker.ts';

const alarm = (id: string, over: Partial<NewAlarm> = {}): AlarmRecord =>
  newAlarmRecord({
    id,
    rule: 'spec',
    status: 'open',
    equipmentId: 'REFLOW-1',
    parameter: 'zone3_temp',
    value: 229,
    limit: 225,
    lsl: 215,
    usl: 225,
    uom: 'Cel',
    recipeId: null,
    specVersion: 1,
    raisedAt: '2026-06-01T08:00:00.000Z',
    readingEventId: 'rd-1',
    clearedAt: null,
    clearValue: null,
    message: 'zone3_temp 229 Cel above usl 225 on REFLOW-1',
    severity: 'critical',
    ...over,
  });

/** Collects messages on a filter; `next` waits for the next one matching. */
async function listen(url: string, filter: string, protocolVersion: 4 | 5 = 5) {
  const c = await mqtt.connectAsync(url, { protocolVersion, clientId: `t-${Math.random().toString(16).slice(2)}` });
  const got: { topic: string; body: unknown; retain: boolean; correlation?: string }[] = [];
  const waiters: (() => void)[] = [];
  c.on('message', (topic, payload, packet) => {
    got.push({
      topic,
      body: JSON.parse(payload.toString()),
      retain: packet.retain,
      correlation: packet.properties?.correlationData?.toString(),
    });
    for (const w of waiters.splice(0)) w();
  });
  await c.subscribeAsync(filter, { qos: 1 });
  return {
    client: c,
    got,
    async next(pred: (m: (typeof got)[number]) => boolean, ms = 5000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const m = got.find(pred);
        if (m) return m;
        if (Date.now() > deadline) throw new Error(`no message on ${filter} matched; got ${JSON.stringify(got).slice(0, 500)}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 100);
        });
      }
    },
  };
}

describe.skipIf(!haveMosquitto)('the quality loop on MQTT (Mosquitto)', () => {
  let broker: Broker;
  let publisher: AlarmPublisher;
  let responder: InterlockResponder;
  const clients: MqttClient[] = [];
  const bus = createLiveBus();
  const requests: unknown[] = [];

  beforeAll(async () => {
    broker = await Broker.start();
    publisher = await startAlarmPublisher({
      url: broker.url,
      site: 'site1',
      bus,
      lineOf: (e) => (e === 'REFLOW-1' ? 'line1' : 'line2'),
    });
    responder = await startInterlockResponder({
      url: broker.url,
      check: async (req): Promise<InterlockAnswer> => {
        requests.push(req);
        const item = (req as { item?: string }).item;
        if (item === undefined) throw new TracegraphError('BAD_INPUT', 'item is missing');
        return {
          allow: item !== 'HELD-1',
          reasons: item === 'HELD-1' ? [{ code: 'HELD', message: 'HELD-1 is on hold H-1' }] : [],
          checkedAt: '2026-06-01T08:00:00.000Z',
        };
      },
    });
  });
  afterAll(async () => {
    for (const c of clients) await c.endAsync();
    await publisher?.close();
    await responder?.close();
    await broker?.stop();
  });

  it('publishes each transition on the line topic and the retained state per equipment and parameter', async () => {
    const live = await listen(broker.url, 'tracegraph/v1/site1/line1/alarms');
    clients.push(live.client);
    publishAlarmRaised(bus, alarm('A-1'));
    publishAlarmRaised(bus, alarm('A-2', { rule: 'nelson2', severity: 'warning' }));
    await publisher.idle();
    expect((await live.next((m) => (m.body as { alarm: AlarmRecord }).alarm.id === 'A-1')).body).toMatchObject({
      transition: 'raised',
    });

    // A board that connects later reads the state of every pair at once.
    const late = await listen(broker.url, 'tracegraph/v1/site1/+/alarms/#');
    clients.push(late.client);
    const state = await late.next((m) => m.topic === 'tracegraph/v1/site1/line1/alarms/REFLOW-1/zone3_temp');
    expect(state.retain).toBe(true);
    expect(state.body).toMatchObject({ state: 'alarm', severity: 'critical', equipmentId: 'REFLOW-1', parameter: 'zone3_temp' });
    expect((state.body as AlarmState).alarms.map((a) => a.id).sort()).toEqual(['A-1', 'A-2']);

    publishAlarmChanged(bus, { ...alarm('A-1'), acknowledgedBy: 'qe' });
    publishAlarmCleared(bus, { ...alarm('A-1'), status: 'cleared' });
    publishAlarmCleared(bus, { ...alarm('A-2', { rule: 'nelson2' }), status: 'cleared' });
    await publisher.idle();
    const after = await listen(broker.url, 'tracegraph/v1/site1/line1/alarms/+/+');
    clients.push(after.client);
    const normal = await after.next(() => true);
    expect(normal.body).toMatchObject({ state: 'normal', severity: null, alarms: [] });
    expect(live.got.map((m) => (m.body as { transition: string }).transition)).toEqual([
      'raised',
      'raised',
      'changed',
      'cleared',
      'cleared',
    ]);
  });

  it('encodes an equipment id with a slash into one topic level', async () => {
    const sub = await listen(broker.url, 'tracegraph/v1/site1/line2/alarms/+/+');
    clients.push(sub.client);
    publishAlarmRaised(bus, alarm('A-3', { equipmentId: 'OVEN/2' }));
    await publisher.idle();
    expect((await sub.next(() => true)).topic).toBe('tracegraph/v1/site1/line2/alarms/OVEN%2F2/zone3_temp');
  });

  it('answers an MQTT 5 interlock request on its response topic with its correlation data', async () => {
    const station = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: 'aoi-station-5' });
    clients.push(station);
    const answers: { body: InterlockAnswer; correlation: string | undefined }[] = [];
    station.on('message', (_t, payload, packet) =>
      answers.push({
        body: JSON.parse(payload.toString()) as InterlockAnswer,
        correlation: packet.properties?.correlationData?.toString(),
      }),
    );
    await station.subscribeAsync('tracegraph/v1/site1/line1/line1-AOI/interlock/res', { qos: 1 });
    const ask = (item: string, corr: string) =>
      station.publishAsync(
        'tracegraph/v1/site1/line1/line1-AOI/interlock/req',
        JSON.stringify({ item, step: 'aoi', station: 'line1-AOI' }),
        {
          qos: 1,
          properties: { responseTopic: 'tracegraph/v1/site1/line1/line1-AOI/interlock/res', correlationData: Buffer.from(corr) },
        },
      );
    await ask('B-OK', 'c-1');
    await ask('HELD-1', 'c-2');
    await ask('B-OK', 'c-3');
    for (let i = 0; answers.length < 3 && i < 100; i++) await new Promise((r) => setTimeout(r, 50));
    const byCorr = Object.fromEntries(answers.map((a) => [a.correlation, a.body.allow]));
    expect(byCorr).toEqual({ 'c-1': true, 'c-2': false, 'c-3': true });
    expect(answers.find((a) => a.correlation === 'c-2')!.body.reasons).toEqual([
      { code: 'HELD', message: 'HELD-1 is on hold H-1' },
    ]);
  });

  it('answers a 3.1.1 request on .../res with the correlationId from its payload, and a bad one with the reason', async () => {
    const station = await mqtt.connectAsync(broker.url, { protocolVersion: 4, clientId: 'old-plc' });
    clients.push(station);
    const answers: (InterlockAnswer & { correlationId?: string })[] = [];
    station.on('message', (_t, payload) =>
      answers.push(JSON.parse(payload.toString()) as InterlockAnswer & { correlationId?: string }),
    );
    await station.subscribeAsync('tracegraph/v1/site1/line1/ASSY/interlock/res', { qos: 1 });
    await station.publishAsync(
      'tracegraph/v1/site1/line1/ASSY/interlock/req',
      JSON.stringify({ item: 'HELD-1', step: 'final-assembly', station: 'ASSY', correlationId: 'plc-77' }),
      { qos: 1 },
    );
    await station.publishAsync(
      'tracegraph/v1/site1/line1/ASSY/interlock/req',
      JSON.stringify({ step: 'x', station: 'ASSY', correlationId: 'plc-78' }),
      { qos: 1 },
    );
    await station.publishAsync('tracegraph/v1/site1/line1/ASSY/interlock/req', 'not json', { qos: 1 });
    for (let i = 0; answers.length < 3 && i < 100; i++) await new Promise((r) => setTimeout(r, 50));
    expect(answers.find((a) => a.correlationId === 'plc-77')).toMatchObject({ allow: false, reasons: [{ code: 'HELD' }] });
    expect(answers.find((a) => a.correlationId === 'plc-78')).toMatchObject({
      allow: false,
      reasons: [{ code: 'BAD_INPUT', message: 'item is missing' }],
    });
    expect(answers.find((a) => a.correlationId === undefined)).toMatchObject({ allow: false, reasons: [{ code: 'BAD_INPUT' }] });
    // The correlationId is not part of what the check sees.
    expect(requests.some((r) => typeof r === 'object' && r !== null && 'correlationId' in r)).toBe(false);
  });
});
