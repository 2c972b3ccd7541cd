/** The demo's development key survives a restart: made once, kept owner-only in the data directory. */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keptDevKey } from '../../bin/demo.ts';
import { tempDir } from '../helpers/stores.ts';

describe("the demo's development key", () => {
  it('is made on the first start, kept owner-only, and the same on the next', () => {
    const data = join(tempDir(), 'demo');
    const first = keptDevKey(data);
    expect(first).toMatch(/^tg_dev_[\w-]{24}$/);
    const file = join(data, 'demo-dev-key');
    expect(readFileSync(file, 'utf8').trim()).toBe(first);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(keptDevKey(data)).toBe(first);
  });

  it('is made anew when the kept file does not hold a key', () => {
    const data = tempDir();
    writeFileSync(join(data, 'demo-dev-key'), 'not a key\n');
    const key = keptDevKey(data);
    expect(key).toMatch(/^tg_dev_[\w-]{24}$/);
    expect(statSync(join(data, 'demo-dev-key')).mode & 0o777).toBe(0o600);
    expect(keptDevKey(data)).toBe(key);
  });
});
