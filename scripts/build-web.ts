/** `npm run build:web`: builds web/dist now if it is missing or older than web/src (`--force`: always). */
import { rmSync } from 'node:fs';
import { ensureWebBuild, WEB_DIST } from '../api/web/build.ts';

if (process.argv.includes('--force')) rmSync(WEB_DIST, { recursive: true, force: true });
if (!(await ensureWebBuild())) process.stdout.write('web/dist is up to date\n');
