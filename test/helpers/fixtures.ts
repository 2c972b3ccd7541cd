/**
 * The public test material under test/fixtures/ (each set with its licence and SOURCE.md). It is
 * part of the repository, so a missing file is an error that fails the test file, never a skip.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

export const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');

/** The path of a fixture set or a file in it; throws when it is not there. */
export function fixture(...parts: string[]): string {
  const p = path.join(FIXTURES, ...parts);
  if (!existsSync(p)) throw new Error(`test fixture ${path.relative(FIXTURES, p)} is missing from test/fixtures/`);
  return p;
}
