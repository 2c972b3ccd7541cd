/** The `npm run conformance` table: what counts as passed, run and excluded. */
import { describe, expect, it } from 'vitest';
import { formatTable, tabulate } from '../../bench/conformance.ts';

const c = (title: string, status: string) => ({ title, fullName: `suite ${title}`, status });

describe('conformance table', () => {
  it('counts passed and failed cases as run, skipped ones as excluded, one row per suite file', () => {
    const rows = tabulate({
      testResults: [
        {
          name: '/x/test/conformance/b-suite.test.ts',
          status: 'failed',
          assertionResults: [c('1', 'passed'), c('2', 'failed'), c('3', 'skipped')],
        },
        { name: '/x/test/conformance/a-suite.test.ts', status: 'passed', assertionResults: [c('1', 'passed'), c('2', 'todo')] },
      ],
    });
    expect(rows).toEqual([
      { suite: 'a-suite', passed: 1, total: 1, excluded: 1, failed: [] },
      { suite: 'b-suite', passed: 1, total: 2, excluded: 1, failed: ['suite 2'] },
    ]);
    const table = formatTable(rows);
    expect(table).toMatch(/^suite\s+passed\s+total\s+excluded$/m);
    expect(table).toMatch(/^a-suite\s+1\s+1\s+1$/m);
    expect(table).toMatch(/^all\s+2\s+3\s+2$/m);
  });

  it('a suite whose setup failed (all cases skipped) counts as failing, never as clean', () => {
    const [row] = tabulate({
      testResults: [{ name: 'f.test.ts', status: 'failed', message: 'beforeAll threw', assertionResults: [c('1', 'skipped')] }],
    });
    expect(row).toMatchObject({ passed: 0, total: 1, failed: ['(file) beforeAll threw'] });
  });
});
