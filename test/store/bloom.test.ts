/**
 * The embedded store's filter of applied eventIds grows by segments instead of being rebuilt from
 * the store (which held the event loop for seconds at millions of events): every id added is found,
 * and ids never added are rarely taken for seen.
 */
import { describe, expect, it } from 'vitest';
import { BloomFilter } from '../../cypher/kuzu/memory/bloom.ts';

describe('the eventId Bloom filter', () => {
  it('takes 2.5 times its capacity without losing an id, adding segments, with under 2% false positives', () => {
    const bloom = new BloomFilter(100_000);
    const id = (i: number) => `urn:uuid:capture-${i}`;
    for (let i = 0; i < 250_000; i++) bloom.add(id(i));
    expect(bloom.count).toBe(250_000);
    expect(bloom.size).toBe(2); // 100,000 then 200,000
    for (let i = 0; i < 250_000; i++) if (!bloom.mightHave(id(i))) throw new Error(`lost ${id(i)}`);
    let falsePositives = 0;
    for (let i = 250_000; i < 350_000; i++) if (bloom.mightHave(id(i))) falsePositives++;
    expect(falsePositives / 100_000).toBeLessThan(0.02);
    expect(falsePositives).toBeGreaterThan(0); // a Bloom filter, not a set: sized for ~1% per segment
  });

  it('stays one segment while under its capacity', () => {
    const bloom = new BloomFilter(1000);
    for (let i = 0; i < 1000; i++) bloom.add(`e${i}`);
    expect(bloom.size).toBe(1);
    bloom.add('one more');
    expect(bloom.size).toBe(2);
    expect(bloom.mightHave('one more')).toBe(true);
  });
});
