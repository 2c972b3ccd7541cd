/**
 * "Applied up to": the log position whose events are all in the graph store. Written after each
 * committed batch, read on start to re-apply only the tail. Re-applying a little more than needed
 * is harmless (the store skips known eventIds), so a lost or stale checkpoint costs time, not data.
 */
import { readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { PRIVATE_FILE_MODE } from '../../core/private-files.ts';
import { logDir, type LogPosition, type Warn } from './event-log.ts';

interface Stored extends LogPosition {
  /** The checkpoint is about one graph: a different backend starts from the beginning. */
  backend: string;
}

const file = (dataDir: string) => join(logDir(dataDir), 'checkpoint.json');

export function readCheckpoint(dataDir: string, backend: string, warn: Warn): LogPosition | undefined {
  let text: string;
  try {
    text = readFileSync(file(dataDir), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const c = JSON.parse(text) as Partial<Stored>;
    if (c.backend !== backend) return undefined;
    if (Number.isInteger(c.segment) && Number.isInteger(c.offset)) return { segment: c.segment!, offset: c.offset! };
  } catch {
    // fall through
  }
  warn(`event log checkpoint ${file(dataDir)} is unreadable; re-applying the whole log (nothing is doubled)`);
  return undefined;
}

/** Write-then-rename, so a crash leaves the old checkpoint or the new one, never half of one. */
export async function writeCheckpoint(dataDir: string, backend: string, pos: LogPosition): Promise<void> {
  const target = file(dataDir);
  const tmp = `${target}.tmp`;
  const h = await open(tmp, 'w', PRIVATE_FILE_MODE);
  try {
    await h.writeFile(JSON.stringify({ backend, segment: pos.segment, offset: pos.offset } satisfies Stored));
  } finally {
    await h.close();
  }
  await rename(tmp, target);
}
