/**
 * `tracegraph demo` as a function: the embedded graph, the in-process broker, the simulated plant,
 * both workers and the API on free ports in a temp dir. Within a bounded time the graph holds
 * operations, readings and inspections, and a GraphQL trace over HTTP from a finished unit reaches
 * its solder paste lot.
 */
import { readFileSync } from 'node:fs';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '../../bin/demo.ts';
import { tempDir } from '../helpers/stores.ts';
import { fixture } from '../helpers/fixtures.ts';
import { waitFor } from '../helpers/wait.ts';

describe('tracegraph demo', () => {
  let demo: Demo;
  const warnings: string[] = [];
  const loopLines: string[] = [];

  beforeAll(async () => {
    process.env.TRACEGRAPH_DEV_KEY = 'tg_dev_test_key_0123';
    demo = await startDemo({
      port: 0,
      mqttPort: 0,
      dataDir: tempDir(),
      speed: 3,
      warn: (m) => warnings.push(m),
      onLoop: (l) => loopLines.push(l),
    });
  });

  afterAll(async () => {
    await demo?.close();
    delete process.env.TRACEGRAPH_DEV_KEY;
  });

  it('prints loopback URLs and takes the development key from TRACEGRAPH_DEV_KEY', () => {
    expect(demo.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    expect(demo.mqttUrl).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
    expect(demo.opcuaEndpoints).toEqual([expect.stringMatching(/^opc\.tcp:\/\/127\.0\.0\.1:\d+$/)]);
    expect(demo.devKey).toBe('tg_dev_test_key_0123');
  });

  it('fills the graph with operations, readings and inspections within a minute', async () => {
    await waitFor(
      'operations, readings and inspections',
      async () => {
        const s = await demo.stats();
        return (s.nodes.Operation ?? 0) > 0 && (s.nodes.Reading ?? 0) > 0 && (s.nodes.Inspection ?? 0) > 0;
      },
      60_000,
    );
    expect(demo.counts().rejected).toBe(0);
  });

  it('makes an EPCIS document published on tracegraph/v1/<site>/epcis traceable over GraphQL with the dev key', async () => {
    const doc = readFileSync(fixture('gs1-epcis/Example_9.6.4-TransformationEvent.jsonld'));
    const pub = await mqtt.connectAsync(demo.mqttUrl, { protocolVersion: 4, clientId: 'demo-test-epcis' });
    await pub.publishAsync('tracegraph/v1/partner-site/epcis', doc, { qos: 1 });
    await pub.endAsync();
    const trace = async () => {
      const res = await fetch(demo.apiUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.devKey}` },
        body: JSON.stringify({ query: '{ traceBackward(from: ["urn:epc:id:sgtin:4012345.077889.25"]) { lots { id } } }' }),
      });
      return ((await res.json()) as { data: { traceBackward: { lots: { id: string }[] } } }).data.traceBackward.lots;
    };
    await waitFor('the EPCIS input lot in the trace', async () => (await trace()).length > 0, 30_000);
    expect((await trace()).map((l) => l.id)).toContain('urn:epc:class:lgtin:4012345.011111.4444');
  });

  it('streams the oven readings live over SSE to readings(equipmentId)', async () => {
    const ac = new AbortController();
    const res = await fetch(demo.apiUrl, {
      method: 'POST',
      signal: ac.signal,
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${demo.devKey}` },
      body: JSON.stringify({ query: 'subscription { readings(equipmentId: "REFLOW-1") { equipmentId parameter value } }' }),
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    const deadline = Date.now() + 30_000;
    while (!/^data: \{"data"/m.test(text) && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    ac.abort();
    const first = JSON.parse(/^data: (\{"data".*)$/m.exec(text)![1]!) as { data: { readings: { equipmentId: string } } };
    expect(first.data.readings.equipmentId).toBe('REFLOW-1');
  });

  it('closes the loop on a drift: an SPC signal, then one spec alarm, the reflowed boards held, the AOI interlock denied', async () => {
    const ask = async <T>(query: string): Promise<T> => {
      const res = await fetch(demo.apiUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.devKey}` },
        body: JSON.stringify({ query }),
      });
      return ((await res.json()) as { data: T }).data;
    };
    const { specs } = await ask<{ specs: { parameter: string; usl: number; changedBy: string }[] }>(
      '{ specs(equipmentId: "REFLOW-1") { parameter usl changedBy } }',
    );
    expect(specs).toContainEqual({ parameter: 'zone3_temp', usl: 225, changedBy: 'system' });
    const { controlLimits } = await ask<{ controlLimits: { parameter: string; ucl: number; setBy: string }[] }>(
      '{ controlLimits(equipmentId: "REFLOW-1") { parameter ucl setBy } }',
    );
    expect(controlLimits).toContainEqual({ parameter: 'zone3_temp', ucl: 223, setBy: 'system' });
    demo.plant.injectFault({ equipmentId: 'REFLOW-1', parameter: 'zone3_temp', kind: 'drift', durationMs: 30_000 });
    type A = {
      alarms: {
        id: string;
        parameter: string;
        status: string;
        limit: number;
        rule: string;
        severity: string;
        raisedAt: string;
        holdId: string | null;
      }[];
    };
    const q = '{ alarms(equipmentId: "REFLOW-1") { id parameter status limit rule severity raisedAt holdId } }';
    const spec = async () => (await ask<A>(q)).alarms.filter((a) => a.rule === 'spec');
    await waitFor(
      'a spec alarm on the drifting oven zone with its hold',
      async () => (await spec()).some((a) => a.holdId),
      90_000,
    );
    const { alarms } = await ask<A>(q);
    const specAlarm = (await spec())[0]!;
    expect(await spec()).toHaveLength(1);
    expect(specAlarm).toMatchObject({ parameter: 'zone3_temp', limit: 225, severity: 'critical' });
    // No due-date alarm: the plant's opening calibration and maintenance are in before they are judged.
    const due = await ask<{ alarms: { rule: string; equipmentId: string; message: string }[] }>(
      '{ alarms(limit: 1000) { rule equipmentId message } }',
    );
    expect(due.alarms.filter((a) => a.rule === 'calibration' || a.rule === 'maintenance')).toEqual([]);
    const spc = alarms.filter((a) => a.parameter === 'zone3_temp' && a.rule !== 'spec');
    expect(spc.length).toBeGreaterThan(0);
    expect(spc.every((a) => ['we1', 'we2'].includes(a.rule))).toBe(true);
    expect(Math.min(...spc.map((a) => Date.parse(a.raisedAt)))).toBeLessThanOrEqual(Date.parse(specAlarm.raisedAt));
    const { holds } = await ask<{ holds: { id: string; reason: string; items: { id: string }[] }[] }>(
      `{ holds(status: active) { id reason items { id } } }`,
    );
    const hold = holds.find((h) => h.id === specAlarm.holdId)!;
    expect(hold.reason).toContain(specAlarm.id);
    expect(hold.items.some((i) => i.id.includes('.022222.'))).toBe(true);
    await waitFor('the AOI interlock answer', () => loopLines.some((l) => l.startsWith('AOI interlock')), 20_000);
    expect(loopLines.find((l) => l.startsWith('AOI interlock'))).toMatch(/DENIED \(HELD: .* is on hold H-/);
  });

  it('counts what the plant sent per source on /metrics', async () => {
    const text = await (await fetch(demo.apiUrl.replace(/\/graphql$/, '/metrics'))).text();
    const ingested = (source: string) =>
      Number(new RegExp(`^tracegraph_events_ingested_total\\{source="${source}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
    expect(ingested('mqtt')).toBeGreaterThan(0);
    expect(ingested('opcua')).toBeGreaterThan(0);
    expect(text).toMatch(/^tracegraph_ingest_lag_seconds\{source="mqtt"\} /m);
  });

  it('answers a GraphQL backward trace from a finished unit down to its solder paste lot', async () => {
    await waitFor('a finished unit', () => demo.plant.lastFinishedUnit() !== undefined, 60_000);
    const unit = demo.plant.lastFinishedUnit()!;
    const query = async () => {
      const res = await fetch(demo.apiUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.devKey}` },
        body: JSON.stringify({
          query: 'query($ids: [ID!]!) { traceBackward(from: $ids) { lots { id } units { id } } }',
          variables: { ids: [unit] },
        }),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as { data: { traceBackward: { lots: { id: string }[]; units: { id: string }[] } } };
    };
    // The unit's events may still be on their way through the pipeline.
    await waitFor(
      'the paste lot in the trace',
      async () => (await query()).data.traceBackward.lots.some((l) => l.id.startsWith('urn:epc:class:lgtin:4098765.055555.')),
      30_000,
    );
    const t = (await query()).data.traceBackward;
    // Board (from the PLC's print cycle) and power-supply sub-assembly; paste, PCB, housing and PSU component lots.
    expect(t.units.map((u) => u.id.split('.').slice(0, 2).join('.')).sort()).toEqual([
      'urn:epc:id:sgtin:4012345.022222',
      'urn:epc:id:sgtin:4012345.033333',
    ]);
    expect(t.lots).toHaveLength(4);
  });
});
