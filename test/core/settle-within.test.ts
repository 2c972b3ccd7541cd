import { describe, expect, it } from 'vitest';
import { settleWithin } from '../../core/settle-within.ts';

describe('settleWithin', () => {
  it('says true when the promise resolves or rejects in time, and never rejects itself', async () => {
    expect(await settleWithin(Promise.resolve(1), 1000)).toBe(true);
    expect(await settleWithin(Promise.reject(new Error('gone')), 1000)).toBe(true);
  });

  it('says false once the time runs out on a promise that never settles', async () => {
    const t0 = Date.now();
    expect(await settleWithin(new Promise(() => undefined), 50)).toBe(false);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
  });
});
