/** Every English text of the web app has its Simplified Chinese counterpart, and the reverse. */
import { describe, expect, it } from 'vitest';
import { en } from '../../web/src/locales/en.ts';
import { zh } from '../../web/src/locales/zh.ts';

const keys = (o: object, prefix = ''): string[] =>
  Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' && v !== null ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));

const leaves = (o: object): [string, string][] =>
  Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null ? leaves(v).map(([kk, vv]) => [`${k}.${kk}`, vv] as [string, string]) : [[k, String(v)]],
  );

describe('web app texts', () => {
  it('have the same keys in English and Chinese', () => {
    expect(keys(zh).sort()).toEqual(keys(en).sort());
  });

  it('keep the same {{placeholders}} in both languages', () => {
    const zhMap = new Map(leaves(zh));
    for (const [k, v] of leaves(en)) {
      const ph = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
      expect(ph(zhMap.get(k)!), k).toEqual(ph(v));
    }
  });
});
