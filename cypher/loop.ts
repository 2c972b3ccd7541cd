/** What both adapters share for the interlock's item view: rows to records. */
import type { ItemProgress } from './port.ts';

type Row = Record<string, unknown>;

function defectsOf(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string' && v) {
    try {
      const parsed: unknown = JSON.parse(v);
      return Array.isArray(parsed) ? parsed.map(String) : [];
    } catch {
      return [];
    }
  }
  return [];
}

export function itemProgressFrom(ops: Row[], inspections: Row[], holds: Row[]): ItemProgress {
  const seen = new Set<string>();
  return {
    operations: ops
      .filter((r) => !seen.has(r.id as string) && seen.add(r.id as string))
      .map((r) => ({
        id: r.id as string,
        step: r.step as string,
        endTime: r.endTime as string,
        result: (r.result ?? null) as string | null,
      })),
    inspections: inspections.map((r) => ({
      result: r.result as string,
      defects: defectsOf(r.defects),
      eventTime: r.eventTime as string,
    })),
    holds: holds.map((r) => ({ id: r.id as string, reason: r.reason as string })),
  };
}
