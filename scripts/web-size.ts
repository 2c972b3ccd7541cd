/**
 * `node --import tsx scripts/web-size.ts`: what the browser downloads for the sign-in page (the
 * entry script, the scripts it preloads and the CSS named in web/dist/index.html), gzipped, and
 * the gzipped size of every chunk loaded later (the graph and chart libraries come with their pages).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ensureWebBuild, WEB_DIST } from '../api/web/build.ts';

await ensureWebBuild();
const html = readFileSync(join(WEB_DIST, 'index.html'), 'utf8');
const named = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]!);
const gz = (f: string) => gzipSync(readFileSync(join(WEB_DIST, f)), { level: 9 }).length;
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const js = named.filter((f) => f.endsWith('.js'));
const css = named.filter((f) => f.endsWith('.css'));
process.stdout.write(
  `sign-in page: JavaScript ${kib(js.reduce((s, f) => s + gz(f), 0))} gzipped (${js.join(', ')}), CSS ${kib(css.reduce((s, f) => s + gz(f), 0))}\n`,
);
for (const f of readdirSync(join(WEB_DIST, 'assets')).sort()) {
  if (named.includes(`assets/${f}`) || !f.endsWith('.js')) continue;
  process.stdout.write(`  later: ${f.padEnd(36)} ${kib(gz(`assets/${f}`)).padStart(10)}\n`);
}
