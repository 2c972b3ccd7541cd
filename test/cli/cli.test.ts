/** The `tracegraph` command line, run as a user runs it, on every backend. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { backends, tempDir } from '../helpers/stores.ts';
import { PLANT } from '../pipeline/fixtures.ts';
import { fixture } from '../helpers/fixtures.ts';

const GS1 = fixture('gs1-epcis');

const line = (o: object) => JSON.stringify(o);
const t = (m: number) => `2026-03-01T08:${String(m).padStart(2, '0')}:00+01:00`;
const EVENTS = PLANT.map(line);

for (const backend of backends()) {
  describe.skipIf(backend.skip)(`tracegraph CLI on ${backend.name}`, () => {
    afterAll(() => backend.release());

    it('imports JSON lines and prints traces as JSON', async () => {
      await backend.open(); // takes the backend (and, on Neo4j, an empty graph) for this block
      const dir = tempDir();
      const env = backend.env(join(dir, 'data'));
      const file = join(dir, 'events.jsonl');
      writeFileSync(file, EVENTS.join('\n') + '\n');
      const imp = await runCli(['import', 'events', file], { env });
      expect(imp.stderr).toContain('4 events, 4 new');
      expect(imp.code).toBe(0);
      const fwd = await runCli(['trace', 'forward', '--json', 'LOT-A'], { env });
      expect(fwd.code).toBe(0);
      expect(JSON.parse(fwd.stdout)).toEqual({
        lots: [],
        units: ['PCB-1', 'PCB-2'],
        containers: ['CASE-1'],
        shipments: ['SHP-1'],
        customers: ['Contoso'],
        flows: ['PCB-1', 'PCB-2'].map((to) => ({
          from: 'LOT-A',
          operation: 'PRINT-1',
          to,
          qty: 0.1,
          uom: 'kg',
          outQty: null,
          outUom: null,
        })),
        shipmentUnits: [{ shipment: 'SHP-1', customer: 'Contoso', units: 2 }],
      });
      const back = JSON.parse((await runCli(['trace', 'backward', 'CASE-1', '--json'], { env })).stdout);
      expect(back).toMatchObject({ lots: ['LOT-A'], units: ['PCB-1', 'PCB-2'] });
      const unknown = await runCli(['trace', 'forward', '--json', 'lot-a'], { env });
      expect(JSON.parse(unknown.stdout)).toEqual({
        lots: [],
        units: [],
        containers: [],
        shipments: [],
        customers: [],
        flows: [],
        shipmentUnits: [],
      });
      expect(unknown.stderr).toMatch(/nothing reached forward from lot-a/);
    });

    it('stops at a bad line with file:line and the reason; a rerun after the fix doubles nothing', async () => {
      await backend.open();
      const dir = tempDir();
      const env = backend.env(join(dir, 'data'));
      const file = join(dir, 'bad.jsonl');
      const bad = line({
        kind: 'operation',
        eventId: 'e9',
        eventTime: t(5),
        operationId: 'X',
        step: 's',
        station: 'S',
        inputs: 'LOT-A',
        outputs: [],
      });
      writeFileSync(file, [EVENTS[0], EVENTS[1], bad, EVENTS[2]].join('\n'));
      const r = await runCli(['import', 'events', file], { env });
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`${file}:3`);
      expect(r.stderr).toContain('inputs');
      writeFileSync(file, [EVENTS[0], EVENTS[1], '{not json', EVENTS[2]].join('\n'));
      expect((await runCli(['import', 'events', file], { env })).stderr).toMatch(/bad\.jsonl:3: not valid JSON/);
      // the fixed file carries two events as one array line, as MQTT payloads may
      writeFileSync(file, [EVENTS[0], EVENTS[1], `[${EVENTS[2]},${EVENTS[3]}]`].join('\n'));
      const fixed = await runCli(['import', 'events', '--json', file], { env });
      expect(fixed.code).toBe(0);
      expect(JSON.parse(fixed.stdout)[0]).toMatchObject({ seen: 4, applied: 2, duplicates: 2 });
      expect(JSON.parse((await runCli(['stats', '--json'], { env })).stdout).events).toBe(4);
    });

    it('imports an EPCIS document and traces it back, Digital Link ids included', async () => {
      await backend.open();
      const env = backend.env(join(tempDir(), 'data'));
      expect((await runCli(['import', 'epcis', join(GS1, 'Example_9.6.4-TransformationEvent.jsonld')], { env })).code).toBe(0);
      const back = JSON.parse(
        (await runCli(['trace', 'backward', '--json', 'https://id.gs1.org/01/04012345778893/21/25'], { env })).stdout,
      );
      expect(back.lots).toContain('urn:epc:class:lgtin:4012345.011111.4444');
      const bad = join(tempDir(), 'broken.jsonld');
      writeFileSync(
        bad,
        JSON.stringify({
          type: 'EPCISDocument',
          '@context': [],
          schemaVersion: '2.0',
          creationDate: t(0),
          epcisBody: { eventList: [{ type: 'ObjectEvent', action: 'ADD', epcList: ['x'] }] },
        }),
      );
      const r = await runCli(['import', 'epcis', bad], { env });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/broken\.jsonld.*eventList\[0\].*eventTime/);
    });
  });
}

describe('tracegraph --help', () => {
  for (const cmd of [
    [],
    ['import', 'events'],
    ['import', 'epcis'],
    ['trace', 'forward'],
    ['trace', 'backward'],
    ['seed'],
    ['stats'],
    ['ls'],
    ['bench'],
    ['demo'],
    ['serve'],
    ['ingest'],
    ['replay'],
    ['deadletters'],
    ['user', 'add'],
    ['user', 'list'],
    ['user', 'revoke'],
    ['audit', 'verify'],
  ]) {
    it(`tracegraph ${cmd.join(' ')} --help explains itself`, async () => {
      const r = await runCli([...cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Usage: tracegraph/);
    });
  }

  it('an unknown command exits non-zero with a hint', async () => {
    const r = await runCli(['tarce']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/unknown command/);
  });
});
