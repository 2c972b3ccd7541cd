/** The `tracegraph` command line, run as a user runs it, on every backend. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backends, tempDir } from '../helpers/stores.ts';
import { PLANT } from '../pipeline/fixtures.ts';
import { fixture } from '../helpers/fixtures.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const GS1 = fixture('gs1-epcis');

function cli(args: string[], env: NodeJS.ProcessEnv) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/tracegraph.js'), ...args], { encoding: 'utf8', env, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

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
      const imp = cli(['import', 'events', file], env);
      expect(imp.err).toContain('4 events, 4 new');
      expect(imp.code).toBe(0);
      const fwd = cli(['trace', 'forward', '--json', 'LOT-A'], env);
      expect(fwd.code).toBe(0);
      expect(JSON.parse(fwd.out)).toEqual({
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
      const back = JSON.parse(cli(['trace', 'backward', 'CASE-1', '--json'], env).out);
      expect(back).toMatchObject({ lots: ['LOT-A'], units: ['PCB-1', 'PCB-2'] });
      const unknown = cli(['trace', 'forward', '--json', 'lot-a'], env);
      expect(JSON.parse(unknown.out)).toEqual({
        lots: [],
        units: [],
        containers: [],
        shipments: [],
        customers: [],
        flows: [],
        shipmentUnits: [],
      });
      expect(unknown.err).toMatch(/nothing reached forward from lot-a/);
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
      const r = cli(['import', 'events', file], env);
      expect(r.code).toBe(1);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toContain(`${file}:3`);
      expect(r.err).toContain('inputs');
      writeFileSync(file, [EVENTS[0], EVENTS[1], '{not json', EVENTS[2]].join('\n'));
      expect(cli(['import', 'events', file], env).err).toMatch(/bad\.jsonl:3: not valid JSON/);
      // the fixed file carries two events as one array line, as MQTT payloads may
      writeFileSync(file, [EVENTS[0], EVENTS[1], `[${EVENTS[2]},${EVENTS[3]}]`].join('\n'));
      const fixed = cli(['import', 'events', '--json', file], env);
      expect(fixed.code).toBe(0);
      expect(JSON.parse(fixed.out)[0]).toMatchObject({ seen: 4, applied: 2, duplicates: 2 });
      expect(JSON.parse(cli(['stats', '--json'], env).out).events).toBe(4);
    });

    it('imports an EPCIS document and traces it back, Digital Link ids included', async () => {
      await backend.open();
      const env = backend.env(join(tempDir(), 'data'));
      expect(cli(['import', 'epcis', join(GS1, 'Example_9.6.4-TransformationEvent.jsonld')], env).code).toBe(0);
      const back = JSON.parse(cli(['trace', 'backward', '--json', 'https://id.gs1.org/01/04012345778893/21/25'], env).out);
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
      const r = cli(['import', 'epcis', bad], env);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/broken\.jsonld.*eventList\[0\].*eventTime/);
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
    it(`tracegraph ${cmd.join(' ')} --help explains itself`, () => {
      const r = cli([...cmd, '--help'], process.env);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/Usage: tracegraph/);
    });
  }

  it('an unknown command exits non-zero with a hint', () => {
    const r = cli(['tarce'], process.env);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/unknown command/);
  });
});
