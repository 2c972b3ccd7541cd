/** Which spec applies to a reading, and what counts as outside it (pure functions of domain/specs.ts). */
import { describe, expect, it } from 'vitest';
import type { SpecRecord } from '../../cypher/port.ts';
import { applicableSpec, checkValue, newSpec } from '../../domain/specs.ts';

const spec = (
  equipmentId: string | null,
  recipeId: string | null,
  usl: number,
  version = 1,
  changedAt = '2026-03-01T00:00:00.000Z',
): SpecRecord => ({
  parameter: 'temp',
  equipmentId,
  recipeId,
  lsl: null,
  usl,
  target: null,
  uom: 'Cel',
  version,
  changedBy: 'eng',
  changedAt,
  reason: 'r',
});

describe('applicableSpec', () => {
  const all = [spec(null, null, 1), spec('E1', null, 2), spec(null, 'R1', 3), spec('E1', 'R1', 4)];
  const usl = (s: SpecRecord | null) => s?.usl ?? null;

  it('takes the most specific key: equipment+recipe, recipe, equipment, plant-wide', () => {
    expect(usl(applicableSpec(all, { parameter: 'temp', equipmentId: 'E1', recipeId: 'R1' }))).toBe(4);
    expect(usl(applicableSpec(all.slice(0, 3), { parameter: 'temp', equipmentId: 'E1', recipeId: 'R1' }))).toBe(3);
    expect(usl(applicableSpec(all, { parameter: 'temp', equipmentId: 'E1', recipeId: 'R2' }))).toBe(2);
    expect(usl(applicableSpec(all, { parameter: 'temp', equipmentId: 'E1', recipeId: null }))).toBe(2);
    expect(usl(applicableSpec(all, { parameter: 'temp', equipmentId: 'E2', recipeId: 'R1' }))).toBe(3);
    expect(usl(applicableSpec(all, { parameter: 'temp', equipmentId: 'E2', recipeId: null }))).toBe(1);
    expect(applicableSpec(all, { parameter: 'pressure', equipmentId: 'E1', recipeId: 'R1' })).toBeNull();
  });

  it('at a time, takes the latest version changed at or before it', () => {
    const versions = [spec('E1', null, 10, 1, '2026-03-01T00:00:00Z'), spec('E1', null, 20, 2, '2026-04-01T00:00:00Z')];
    const ctx = { parameter: 'temp', equipmentId: 'E1', recipeId: null };
    expect(usl(applicableSpec(versions, ctx))).toBe(20);
    expect(usl(applicableSpec(versions, ctx, Date.parse('2026-03-15T00:00:00Z')))).toBe(10);
    expect(applicableSpec(versions, ctx, Date.parse('2026-02-01T00:00:00Z'))).toBeNull();
  });
});

describe('checkValue and newSpec', () => {
  it('a value on a limit is inside; past it names the limit crossed', () => {
    expect(checkValue({ lsl: 10, usl: 20 }, 20)).toBeNull();
    expect(checkValue({ lsl: 10, usl: 20 }, 10)).toBeNull();
    expect(checkValue({ lsl: 10, usl: 20 }, 20.1)).toEqual({ side: 'high', limit: 20 });
    expect(checkValue({ lsl: 10, usl: null }, 9)).toEqual({ side: 'low', limit: 10 });
    expect(checkValue({ lsl: null, usl: 20 }, -1e9)).toBeNull();
  });

  it('newSpec trims, turns absent parts into null and refuses what cannot be a spec', () => {
    expect(newSpec({ parameter: ' temp ', usl: 5, reason: ' why ' }, 'eng', 'T')).toEqual({
      parameter: 'temp',
      equipmentId: null,
      recipeId: null,
      lsl: null,
      usl: 5,
      target: null,
      uom: null,
      changedBy: 'eng',
      changedAt: 'T',
      reason: 'why',
    });
    expect(() => newSpec({ parameter: 'temp', reason: 'r' }, 'eng', 'T')).toThrow(/needs lsl, usl or both/);
    expect(() => newSpec({ parameter: 'temp', lsl: 1, usl: 5, recipeId: 'R 1', reason: 'r' }, 'eng', 'T')).toThrow(
      /recipeId must be a plant code/,
    );
  });
});
