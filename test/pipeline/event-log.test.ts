import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEvent, type CanonicalEvent } from '../../core/events.ts';
import { EventLog, listSegments, logDir, readLog } from '../../ingest/pipeline/event-log.ts';
import { tempDir } from '../helpers/stores.ts';
import { scan } from './fixtures.ts';

const ev = (i: number): CanonicalEvent => {
  const r = parseEvent(scan(i));
  if (!r.ok) throw new Error(r.reason);
  return r.event;
};

async function readAll(dir: string, warnings: string[] = []) {
  const out: string[] = [];
  for await (const e of readLog(dir, { warn: (m) => warnings.push(m) })) out.push(e.event.eventId);
  return out;
}

describe('event log', () => {
  it('reads back what was appended, in order, after a reopen', async () => {
    const dir = tempDir();
    const log = await EventLog.open(dir);
    const ends = await log.append([ev(1), ev(2)]);
    await log.append([ev(3)]);
    expect(ends[1]!.offset).toBeGreaterThan(ends[0]!.offset);
    await log.close();
    const again = await EventLog.open(dir);
    await again.append([ev(4)]);
    const ids: string[] = [];
    for await (const e of again.read()) ids.push(e.eventId);
    expect(ids).toEqual(['s1', 's2', 's3', 's4']);
    await again.close();
    expect(await readAll(dir)).toEqual(['s1', 's2', 's3', 's4']);
  });

  it('skips a torn last line with a warning, and the next writer cuts it off', async () => {
    const dir = tempDir();
    const log = await EventLog.open(dir);
    await log.append([ev(1), ev(2)]);
    await log.close();
    const seg = listSegments(dir)[0]!.file;
    appendFileSync(seg, '{"kind":"scan","eventId":"s3","eventT'); // a crash in mid-write
    const warnings: string[] = [];
    expect(await readAll(dir, warnings)).toEqual(['s1', 's2']);
    expect(warnings.join()).toMatch(/incomplete last line/);

    const again = await EventLog.open(dir, { warn: (m) => warnings.push(m) });
    expect(warnings.join()).toMatch(/cutting an incomplete last line/);
    await again.append([ev(3)]);
    await again.close();
    expect(await readAll(dir)).toEqual(['s1', 's2', 's3']);
    expect(readFileSync(seg, 'utf8').split('\n').filter(Boolean)).toHaveLength(3);
  });

  it('rolls segments at the configured size and reads across them in order', async () => {
    const dir = tempDir();
    const log = await EventLog.open(dir, { segmentBytes: 500 });
    for (let i = 0; i < 40; i++) await log.append([ev(i)]);
    await log.append([ev(40), ev(41), ev(42)]);
    await log.close();
    const segs = listSegments(dir);
    expect(segs.length).toBeGreaterThan(5);
    for (const s of segs) expect(s.size).toBeLessThanOrEqual(500);
    expect(await readAll(dir)).toEqual(Array.from({ length: 43 }, (_, i) => `s${i}`));
    // Reading from a position in the middle continues from there.
    const from = { segment: segs[2]!.seq, offset: 0 };
    const rest: string[] = [];
    for await (const e of readLog(dir, { from })) rest.push(e.event.eventId);
    expect(rest[0]).not.toBe('s0');
    expect(rest.at(-1)).toBe('s42');
  });

  it('lets one writer hold a directory; a lock left by a dead process is taken over', async () => {
    const dir = tempDir();
    const log = await EventLog.open(dir);
    await expect(EventLog.open(dir)).rejects.toThrow(/in use by process/);
    await log.close();
    writeFileSync(join(logDir(dir), 'LOCK'), '2147483646'); // no such process
    const again = await EventLog.open(dir);
    await again.close();
  });
});
