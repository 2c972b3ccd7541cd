import { userInfo } from 'node:os';

/**
 * Who did it, for the audit trail: the operating-system account running the CLI. A server names
 * the CLI asking through its local key the same way: only its own account can read that key.
 */
export function cliActor(): string {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // no passwd entry (some containers): the uid still says something
    name = `uid${process.getuid?.() ?? '?'}`;
  }
  return `cli:${name}`;
}
