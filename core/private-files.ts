/**
 * The data directory holds the graph, the event log, the EPCIS repository, the audit trail and
 * the user file: who sent what, when, and password hashes. It and everything tracegraph creates
 * in it are readable by the owner only, whatever the process umask. A data directory that already
 * exists keeps its mode (an operator may have chosen group access for backups); docs/operations.md
 * says how to tighten an old one.
 */
import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** mkdir -p, every directory it creates owner-only. */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Owner-only modes for files another library created in `dir` (the embedded graph's files): those
 * whose names start with `prefix`. A file we cannot change (not ours) is left as it is.
 */
export function makePrivateFiles(dir: string, prefix: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    try {
      chmodSync(join(dir, name), PRIVATE_FILE_MODE);
    } catch {
      // not ours, or gone meanwhile
    }
  }
}
