/**
 * What a process remembers about its MQTT sessions between runs (`<data>/mqtt-sessions.json`): the
 * highest subscription identifier it has used, so a new one is never one a session may still have
 * stamped on a queued copy, and (several connections without a group) the epoch every session holds.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

/** Subscription identifier of a subscription whose copies are always taken. */
export const TAKE_ALL = 1;
/** The largest subscription identifier MQTT 5 allows. */
export const MAX_IDENTIFIER = 268_435_455;

const StateSchema = z.object({
  clientId: z.string(),
  connections: z.number().int(),
  /** The highest identifier ever subscribed with: a new epoch takes a higher one. */
  highest: z.number().int(),
  /** The identifier every session has held continuously since it was subscribed, if any. */
  established: z.number().int().nullable(),
});
export type SessionState = z.infer<typeof StateSchema>;

export function readSessionState(file: string | undefined): SessionState | undefined {
  if (!file) return undefined;
  try {
    return StateSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return undefined; // missing or unreadable: a new epoch, so nothing is skipped on trust
  }
}

export function writeSessionState(file: string | undefined, state: SessionState): void {
  if (!file) return;
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, file);
}

/** The identifier after `highest`, wrapping past the MQTT 5 maximum to the first one above TAKE_ALL. */
export function nextIdentifier(highest: number): number {
  return highest >= MAX_IDENTIFIER ? TAKE_ALL + 1 : highest + 1;
}

/**
 * Without a record of earlier epochs, start above any recent one: seconds since 2026 (wraps after
 * eight years, long after any queued copy of an old epoch is gone).
 */
export function initialEpoch(): number {
  const seconds = Math.max(0, Math.floor((Date.now() - Date.UTC(2026, 0, 1)) / 1000));
  return (seconds % (MAX_IDENTIFIER - 2)) + TAKE_ALL + 1;
}
