/**
 * The installed package's directory (package.json, bin/, web/), found upwards from this file: it
 * runs from core/ under tsx and from dist/core/ once compiled (`npm run build`).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function findInstallRoot(): string {
  for (let dir = import.meta.dirname, i = 0; i < 4; i++, dir = dirname(dir))
    // dist/ holds a copy of bin/ too, but no package.json.
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'bin', 'tracegraph.js'))) return dir;
  return join(import.meta.dirname, '..');
}

export const INSTALL_ROOT = findInstallRoot();
/** The `tracegraph` command's script, for starting it as a child process (`node <CLI_SCRIPT> serve`). */
export const CLI_SCRIPT = join(INSTALL_ROOT, 'bin', 'tracegraph.js');
