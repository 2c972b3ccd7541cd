/**
 * Options and flag parsers the command definitions share. Loaded for every invocation, even
 * `--help` and `--version`, so it imports nothing but commander and the error type.
 */
import { InvalidArgumentError, Option } from 'commander';
import { TracegraphError } from '../core/errors.ts';

export const dataOption = () => new Option('--data <dir>', 'embedded graph directory (env TRACEGRAPH_DATA, default ./data)');
export const jsonOption = () => new Option('--json', 'print the result as JSON on stdout');

export const positiveInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive whole number');
  return n;
};

export const nonNegativeInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number, 0 or more');
  return n;
};

export function portNumber(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new TracegraphError('BAD_INPUT', `a port must be a whole number from 0 to 65535, got ${JSON.stringify(v)}`);
  return n;
}

/** What `tracegraph ls` lists (bin/commands/ls.ts). */
export const LIST_KINDS = ['lots', 'materials', 'equipment', 'operators', 'customers', 'shipments', 'recalls'] as const;
export type ListKind = (typeof LIST_KINDS)[number];
