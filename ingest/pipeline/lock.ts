/**
 * A single-writer lock for a directory: a file holding the owner's pid, created exclusively.
 * Two writers interleaving appends would tear each other's lines, so a second one is refused;
 * a lock left by a process that no longer exists (killed, crashed) is taken over.
 */
import { openSync, closeSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { TracegraphError } from '../../core/errors.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else; it still holds the lock.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock at `file`; returns the function that releases it. */
export function acquireDirLock(file: string, what: string): () => void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let pid = NaN;
    try {
      pid = Number(readFileSync(file, 'utf8').trim());
    } catch {
      continue; // removed meanwhile: try again
    }
    // An empty or garbled file is a writer that died between creating and filling it.
    if (Number.isInteger(pid) && pid > 0 && alive(pid))
      throw new TracegraphError('CONFIG', `${what} is in use by process ${pid} (lock file ${file}); stop it first`);
    rmSync(file, { force: true });
  }
  throw new TracegraphError('CONFIG', `cannot take the lock ${file} for ${what}`);
}
