/**
 * Builds the web app (web/ -> web/dist) with Vite's JS API when the built files are missing or
 * older than the sources, so that `npm ci && npm start` is enough. The build goes to a fresh
 * directory that replaces web/dist in one rename: a server reading web/dist never sees half a build,
 * and a lock keeps two processes (two test files, a test and `tracegraph serve`) from building at once.
 */
import { existsSync, readdirSync, rmSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { acquireFileLock } from '../../core/file-lock.ts';
import { INSTALL_ROOT } from '../../core/install-root.ts';

/** The repository's web/ (its sources and vite.config.ts). */
export const WEB_DIR = join(INSTALL_ROOT, 'web');
export const WEB_DIST = join(WEB_DIR, 'dist');

/** Newest modification time under the app's sources (src/, index.html, vite.config.ts, public/). */
function newestSource(): number {
  let newest = 0;
  const visit = (p: string) => {
    const s = statSync(p, { throwIfNoEntry: false });
    if (!s) return;
    if (s.isDirectory()) for (const e of readdirSync(p)) visit(join(p, e));
    else newest = Math.max(newest, s.mtimeMs);
  };
  for (const p of ['src', 'public', 'index.html', 'vite.config.ts']) visit(join(WEB_DIR, p));
  return newest;
}

/** Why the build is needed, or undefined when web/dist is up to date. */
export function staleReason(): string | undefined {
  const index = statSync(join(WEB_DIST, 'index.html'), { throwIfNoEntry: false });
  if (!index) return 'web/dist is missing';
  if (index.mtimeMs < newestSource()) return 'web/dist is older than web/src';
  return undefined;
}

/**
 * Builds web/dist if it is missing or stale, saying so in one line on `out` (stdout by default):
 * the line is started before the build and ended with its time. Returns true when it built.
 */
export async function ensureWebBuild(out: { write(text: string): unknown } = process.stdout): Promise<boolean> {
  if (!staleReason()) return false;
  const release = await acquireFileLock(join(WEB_DIR, '.build.lock'), 'the web app build', 300_000);
  try {
    const reason = staleReason(); // another process may have built it while we waited
    if (!reason) return false;
    const started = Date.now();
    out.write(`Building the web app (${reason}) ... `);
    const outDir = join(WEB_DIR, `.dist-${process.pid}-${started}`);
    try {
      // Loaded here: Vite is large and only needed for this one build.
      const { build } = await import('vite');
      // Vite keeps a NODE_ENV it finds (vitest sets "test"), which would ship React's and Apollo's
      // development builds: this build is always the production one.
      const nodeEnv = process.env.NODE_ENV;
      process.env.NODE_ENV = 'production';
      await build({
        mode: 'production',
        configFile: join(WEB_DIR, 'vite.config.ts'),
        logLevel: 'warn',
        build: { outDir, emptyOutDir: true },
      }).finally(() => {
        if (nodeEnv === undefined) delete process.env.NODE_ENV;
        else process.env.NODE_ENV = nodeEnv;
      });
    } catch (e) {
      out.write('failed\n');
      rmSync(outDir, { recursive: true, force: true });
      throw e;
    }
    const old = `${WEB_DIST}.old-${process.pid}`;
    if (existsSync(WEB_DIST)) renameSync(WEB_DIST, old);
    renameSync(outDir, WEB_DIST);
    rmSync(old, { recursive: true, force: true });
    out.write(`done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return true;
  } finally {
    await release();
  }
}
