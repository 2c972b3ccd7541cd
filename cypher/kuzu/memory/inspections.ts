/**
 * Every inspection's result and time per item, in memory, for the status of the items a genealogy
 * shows (a Kuzu query per item costs a round trip each: ~500 of them per genealogy). Read from Kuzu
 * on first use, then told of each committed batch. An inspection is kept as its time in ms and
 * pass/fail; a time whose ISO 8601 form is not the stored text (another offset) and any other
 * result are kept as text beside it, so the answer is what Kuzu holds.
 */
import type { Projection } from '../../projection.ts';
import { query } from '../../queries.ts';
import type { KuzuConnection } from '../connection.ts';
import { exportRows } from '../load.ts';

export interface InspectionOf {
  result: string;
  eventTime: string;
}

function defectList(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v !== 'string' || !v) return [];
  try {
    const parsed: unknown = JSON.parse(v);
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}

export class InspectionIndex {
  /** Per item id: [ms, code, ms, code, ...]; code 0 pass, 1 fail, 2 another result (in `texts`). */
  private byItem: Map<string, number[]> | undefined;
  /** `<item>\u0000<position>` -> [result, eventTime] where the compact form cannot say it. */
  private readonly texts = new Map<string, [string | null, string | null]>();
  /** `<item>\u0000<eventTime as stored>` -> the defects named (only inspections that name some). */
  private readonly defects = new Map<string, string[]>();

  /** Read from Kuzu the first time. Call inside the connection's queue. */
  async load(db: KuzuConnection): Promise<void> {
    if (this.byItem) return;
    const byItem = new Map<string, number[]>();
    await exportRows(db, query('kuzu', 'load-inspections'), 3, ([result, eventTime, item]) =>
      this.add(byItem, item!, result!, eventTime!),
    );
    for (const r of await db.run(query('kuzu', 'load-inspection-defects')))
      this.noteDefects(r.id as string, r.eventTime as string, defectList(r.defects));
    this.byItem = byItem;
  }

  private noteDefects(item: string, eventTime: string, defects: string[]): void {
    if (!defects.length) return;
    const k = `${item}\u0000${eventTime}`;
    this.defects.set(k, [...(this.defects.get(k) ?? []), ...defects]);
  }

  private add(byItem: Map<string, number[]>, item: string, result: string, eventTime: string): void {
    let list = byItem.get(item);
    if (!list) byItem.set(item, (list = []));
    const t = Date.parse(eventTime);
    const code = result === 'pass' ? 0 : result === 'fail' ? 1 : 2;
    const odd = Number.isNaN(t) || new Date(t).toISOString() !== eventTime;
    if (code === 2 || odd) this.texts.set(`${item}\u0000${list.length}`, [code === 2 ? result : null, odd ? eventTime : null]);
    list.push(t, code);
  }

  /** The inspections of an item (call after `load`). */
  of(item: string): InspectionOf[] {
    const list = this.byItem?.get(item);
    if (!list) return [];
    const out: InspectionOf[] = [];
    for (let i = 0; i < list.length; i += 2) {
      const text = this.texts.get(`${item}\u0000${i}`);
      out.push({
        result: text?.[0] ?? (list[i + 1] === 1 ? 'fail' : 'pass'),
        eventTime: text?.[1] ?? new Date(list[i]!).toISOString(),
      });
    }
    return out;
  }

  /** The defects an inspection of the item at that time (as `of` gives it) named. */
  defectsOf(item: string, eventTime: string): string[] {
    return this.defects.get(`${item}\u0000${eventTime}`) ?? [];
  }

  /** After commit: the inspections a batch wrote (nothing to do before the first use loaded it). */
  learn(p: Projection): void {
    if (!this.byItem) return;
    for (const i of p.inspections) {
      this.add(this.byItem, i.item, i.result, i.eventTime);
      this.noteDefects(i.item, i.eventTime, i.defects);
    }
  }
}
