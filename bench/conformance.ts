/**
 * `npm run conformance`: runs the conformance suites (every test file under test/conformance/)
 * with vitest and prints, suite by suite, how many cases passed out of how many were run, and how
 * many are excluded (skipped tests: each names its reason, and the README lists them). Exits
 * non-zero when a case fails or vitest could not run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';

const ROOT = resolve(import.meta.dirname, '..');

const Report = z.object({
  testResults: z.array(
    z.object({
      name: z.string(),
      status: z.string(),
      message: z.string().optional(),
      assertionResults: z.array(z.object({ title: z.string(), fullName: z.string(), status: z.string() })),
    }),
  ),
});

export interface SuiteRow {
  suite: string;
  passed: number;
  total: number;
  excluded: number;
  failed: string[];
}

/** One row per test file: run cases (passed or failed) make the total; skipped and todo cases are excluded. */
export function tabulate(report: z.infer<typeof Report>): SuiteRow[] {
  return report.testResults
    .map((file) => {
      const cases = file.assertionResults;
      const passed = cases.filter((c) => c.status === 'passed').length;
      const failedCases = cases.filter((c) => c.status === 'failed');
      const excluded = cases.filter((c) => c.status === 'skipped' || c.status === 'pending' || c.status === 'todo').length;
      // A file that failed outside its cases (it did not load, a beforeAll threw) leaves them
      // skipped: count it as one failed case so that it cannot look clean.
      const broken = file.status === 'failed' && failedCases.length === 0;
      return {
        suite: basename(file.name).replace(/\.test\.ts$/, ''),
        passed,
        total: passed + failedCases.length + (broken ? 1 : 0),
        excluded,
        failed: broken
          ? [`(file) ${file.message || 'failed outside its cases (a hook or the import); see the output above'}`]
          : failedCases.map((c) => c.fullName),
      };
    })
    .sort((a, b) => a.suite.localeCompare(b.suite));
}

export function formatTable(rows: SuiteRow[]): string {
  const header = ['suite', 'passed', 'total', 'excluded'];
  const body = rows.map((r) => [r.suite, String(r.passed), String(r.total), String(r.excluded)]);
  const sum = (k: 'passed' | 'total' | 'excluded') => String(rows.reduce((n, r) => n + r[k], 0));
  body.push(['all', sum('passed'), sum('total'), sum('excluded')]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.slice(0, -1).map(line),
    line(widths.map((w) => '-'.repeat(w))),
    line(body.at(-1)!),
  ].join('\n');
}

function main(): number {
  const dir = mkdtempSync(join(tmpdir(), 'tracegraph-conformance-'));
  const out = join(dir, 'report.json');
  try {
    const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
    const run = spawnSync(
      process.execPath,
      [vitest, 'run', 'test/conformance/', '--reporter=dot', '--reporter=json', `--outputFile.json=${out}`],
      { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
    );
    let report: z.infer<typeof Report>;
    try {
      report = Report.parse(JSON.parse(readFileSync(out, 'utf8')));
    } catch {
      process.stderr.write(`conformance: vitest wrote no report (exit ${run.status ?? run.signal}); see its output above\n`);
      return 1;
    }
    const rows = tabulate(report);
    process.stdout.write(`\n${formatTable(rows)}\n`);
    const failed = rows.flatMap((r) => r.failed.map((f) => `${r.suite}: ${f}`));
    if (failed.length) process.stdout.write(`\nfailed:\n${failed.map((f) => `  ${f}`).join('\n')}\n`);
    process.stdout.write('\nexcluded: each case names its reason; README.md ("Conformance") lists them\n');
    return failed.length || run.status !== 0 ? 1 : 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) process.exitCode = main();
