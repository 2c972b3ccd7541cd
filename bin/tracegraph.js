#!/usr/bin/env node
// The installed command. Runs the compiled CLI in dist/ (built by `npm ci` / `npm run build`) when
// it matches the sources, else the TypeScript sources through tsx, which takes seconds longer.
// TRACEGRAPH_FROM_SOURCE=1 asks for the sources (stack traces with source lines while developing).
import { resolve } from 'node:path';
import { distState } from './freshness.js';

const root = resolve(import.meta.dirname, '..');
const state = process.env.TRACEGRAPH_FROM_SOURCE ? 'asked' : distState(root);
if (state === 'fresh') {
  await import('../dist/bin/cli.js');
} else {
  if (state !== 'asked')
    process.stderr.write(
      `tracegraph: running from source, slower to start (dist/ ${state === 'missing' ? 'is not built' : 'is older than the sources'}: npm run build)\n`,
    );
  const { register } = await import('tsx/esm/api');
  register();
  await import('./cli.ts');
}
