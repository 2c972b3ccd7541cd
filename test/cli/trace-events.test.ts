/** `tracegraph trace ... --events`: the ids of the events that make up a trace, as text and JSON. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { backends, tempDir } from '../helpers/stores.ts';
import { PLANT } from '../pipeline/fixtures.ts';

for (const backend of backends()) {
  describe.skipIf(backend.skip)(`tracegraph trace --events on ${backend.name}`, () => {
    afterAll(() => backend.release());

    // Four CLI runs: generous on a loaded machine.
    it('lists the events of a backward trace, including the case and shipment of the unit', { timeout: 300_000 }, async () => {
      await backend.open();
      const dir = tempDir();
      const env = backend.env(join(dir, 'data'));
      const file = join(dir, 'events.jsonl');
      writeFileSync(file, PLANT.map((e) => JSON.stringify(e)).join('\n') + '\n');
      expect((await runCli(['import', 'events', file], { env })).code).toBe(0);
      const json = await runCli(['trace', 'backward', '--events', '--json', 'PCB-1'], { env });
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({ lots: ['LOT-A'], events: ['e1', 'e2', 'e3', 'e4'] });
      const text = await runCli(['trace', 'forward', '--events', 'CASE-1'], { env });
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/events \(2\)\n {2}e3\n {2}e4/);
      const plain = JSON.parse((await runCli(['trace', 'forward', '--json', 'CASE-1'], { env })).stdout) as Record<
        string,
        unknown
      >;
      expect(plain.events).toBeUndefined();
    });
  });
}
