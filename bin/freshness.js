// Whether dist/ (the compiled CLI) is at least as new as the TypeScript it was built from. Plain
// JavaScript with no dependencies: the launcher runs it before it knows which copy to load.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const STAMP = 'dist/build-stamp.json';

/**
 * The newest modification time (ms) of the files under `roots` (relative to `root`) and of the
 * extra files; about 250 files, a few milliseconds. Directory times are left out: a copy (a Docker
 * stage) may reset them, and a removed file only matters through the files that imported it,
 * which change with it.
 */
export function newestMtime(root, roots, files = []) {
  let newest = 0;
  const visit = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // a root that does not exist has nothing newer than the build
    }
    for (const e of entries) {
      if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) visit(p);
      else newest = Math.max(newest, statSync(p, { throwIfNoEntry: false })?.mtimeMs ?? 0);
    }
  };
  for (const r of roots) visit(join(root, r));
  for (const f of files) newest = Math.max(newest, statSync(join(root, f), { throwIfNoEntry: false })?.mtimeMs ?? 0);
  return newest;
}

/** What the build records: which roots it compiled and the newest source time it saw before compiling. */
export function readStamp(root) {
  try {
    const s = JSON.parse(readFileSync(join(root, STAMP), 'utf8'));
    if (Array.isArray(s.roots) && Array.isArray(s.files) && typeof s.sourceMtimeMs === 'number') return s;
  } catch {
    // no stamp (never built, or a build in progress): not fresh
  }
  return undefined;
}

/** 'fresh', 'missing' (never built) or 'stale' (a source changed after the build). */
export function distState(root) {
  const stamp = readStamp(root);
  if (!stamp) return 'missing';
  return newestMtime(root, stamp.roots, stamp.files) > stamp.sourceMtimeMs ? 'stale' : 'fresh';
}
