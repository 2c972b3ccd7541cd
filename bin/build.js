// `npm run build` (and `npm ci`, through `prepare`): compiles the CLI and everything it loads into
// dist/ with tsc, copies the files tsc does not emit (Cypher queries, plain JavaScript modules) next
// to the compiled code that reads them, and writes the stamp that tells bin/tracegraph.js the build
// matches the sources. A dist/ that already matches is left alone (`--force` rebuilds it): npm runs
// `prepare` again when `npx tracegraph` installs the checkout into its cache, and a rebuild removes
// dist/ under a running `npm start`, whose queries are read from it.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { distState, newestMtime, STAMP } from './freshness.js';

const root = resolve(import.meta.dirname, '..');
const config = JSON.parse(readFileSync(join(root, 'tsconfig.build.json'), 'utf8'));
const roots = config.include;
const files = ['tsconfig.json', 'tsconfig.build.json'];

if (!process.argv.includes('--force') && distState(root) === 'fresh') {
  process.stderr.write('tracegraph build: dist/ matches the sources, left as it is (--force rebuilds it)\n');
  process.exit(0);
}

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  // An install without dev dependencies (npm ci --omit=dev) cannot compile; the CLI then runs from source.
  process.stderr.write('tracegraph build: typescript is not installed, dist/ not built (the CLI runs from source through tsx)\n');
  process.exit(0);
}

// Taken before compiling: a file saved during the build is newer than the stamp, so the build counts as stale.
const sourceMtimeMs = newestMtime(root, roots, files);
// Old output (of a file since removed) must not linger, and no launcher may use a half-written dist/.
rmSync(join(root, 'dist'), { recursive: true, force: true });
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (r.status !== 0) {
  process.stderr.write('tracegraph build: tsc failed, dist/ left without a stamp (the CLI runs from source)\n');
  process.exit(r.status ?? 1);
}
for (const dir of roots)
  if (existsSync(join(root, dir)))
    cpSync(join(root, dir), join(root, 'dist', dir), { recursive: true, filter: (f) => !f.endsWith('.ts') });
writeFileSync(join(root, STAMP), JSON.stringify({ sourceMtimeMs, roots, files }) + '\n');
