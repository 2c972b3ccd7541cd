// Vitest global setup: the tests run the `tracegraph` command as it is installed, i.e. the compiled
// CLI in dist/. When the sources are newer than dist/ (an edit since the last build), build it
// once here, before any test file runs, rather than let every spawned command fall back to tsx.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { distState } from '../../bin/freshness.js';

export default function setup(): void {
  const root = resolve(import.meta.dirname, '../..');
  const state = distState(root);
  if (state === 'fresh') return;
  const started = Date.now();
  const r = spawnSync(process.execPath, [resolve(root, 'bin/build.js')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed, so the CLI cannot be tested as installed:\n${r.stdout}${r.stderr}`);
  console.log(`built dist/ (it was ${state}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
