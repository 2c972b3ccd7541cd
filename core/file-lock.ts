/**
 * The one lock between processes: short-held (`tracegraph serve` and the CLI appending to the same
 * user file or audit trail, waiting their turn) or long-held (the event log's single writer,
 * `waitMs` 0: a second writer is refused at once). A lock left by a dead process is taken over.
 * The lock file is complete before it exists: the pid is written to a private file which is then
 * hard-linked into place, atomically, failing if a lock is held. (Creating the file and then
 * writing the pid let a waiter read it empty in between, take it for a dead writer's and remove
 * it: measured, two processes appending at once broke the audit chain.)
 */
import { randomBytes } from 'node:crypto';
import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { TracegraphError } from './errors.ts';

/** True while a process with this pid runs (one of another user's counts: EPERM). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function ownerOf(file: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(file, 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined; // gone meanwhile
  }
}

const errno = (e: unknown) => (e as NodeJS.ErrnoException).code;

/**
 * Takes the lock at `file`, waiting (up to `waitMs`) while another live process holds it; a lock
 * left by a dead process is taken over. Returns the release function.
 */
export async function acquireFileLock(file: string, what: string, waitMs = 10_000): Promise<() => Promise<void>> {
  const mine = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(mine, String(process.pid), { mode: 0o600 });
  const deadline = Date.now() + waitMs;
  try {
    for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
      try {
        await link(mine, file);
        return () => unlink(file).catch(() => undefined);
      } catch (e) {
        if (errno(e) !== 'EEXIST') throw e;
      }
      const owner = await ownerOf(file);
      if (owner !== undefined && !processAlive(owner)) {
        // Moved aside under a unique name (atomic), then checked: only the stale lock is removed.
        const aside = `${file}.stale.${randomBytes(4).toString('hex')}`;
        try {
          await rename(file, aside);
          if ((await ownerOf(aside)) === owner) await unlink(aside);
          else await link(aside, file).finally(() => unlink(aside)); // moved a fresh lock: put it back
        } catch {
          // someone else got there first
        }
        continue;
      }
      if (Date.now() >= deadline)
        throw new TracegraphError(
          'CONFIG',
          waitMs === 0
            ? `${what} is in use by process ${owner ?? '?'} (lock file ${file}); stop it first`
            : `${what} is locked by process ${owner ?? '?'} (lock file ${file}) for over ${waitMs} ms`,
        );
      await new Promise((r) => setTimeout(r, wait));
    }
  } finally {
    await unlink(mine).catch(() => undefined);
  }
}
