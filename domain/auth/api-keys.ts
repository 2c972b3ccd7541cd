/**
 * API keys: `tg_` + 32 random bytes (base64url). Only their SHA-256 is stored: a key carries 256
 * bits of entropy, so a fast hash cannot be brute-forced, and a slow one (scrypt) would cost ~100 ms
 * on every request. The first characters are kept too, so a person can tell keys apart in a list.
 */
import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'tg_';
/** Short-lived tokens from the `login` mutation share the format with their own prefix. */
export const TOKEN_PREFIX = 'tgt_';

export function newSecret(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

export const newApiKey = (): string => newSecret(API_KEY_PREFIX);

export function secretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** What may be shown of a key: its first 8 characters after the prefix. */
export function keyLabel(key: string): string {
  return key.slice(0, API_KEY_PREFIX.length + 8);
}
