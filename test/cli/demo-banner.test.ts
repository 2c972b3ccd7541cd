/** What `tracegraph demo` prints for people to read. */
import { describe, expect, it } from 'vitest';
import { secondsPerUnit } from '../../bin/commands/demo.ts';

describe('the demo banner', () => {
  it('states the time between units with at most two decimals', () => {
    expect(secondsPerUnit(3)).toBe('0.67');
    expect(secondsPerUnit(1)).toBe('2');
    expect(secondsPerUnit(0.5)).toBe('4');
    expect(secondsPerUnit(8)).toBe('0.25');
    expect(secondsPerUnit(0.3)).toBe('6.67');
  });
});
