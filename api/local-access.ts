/**
 * How a command on the same machine reaches a running server: `tracegraph serve` and the demo hold
 * the embedded graph open (Kuzu lets one process in), so the CLI asks them instead of opening it.
 *
 * While it listens, the server keeps `<data>/server.json` (owner-only, like everything in the data
 * directory): its pid, its GraphQL URL as reached from this machine, and a random local key. The
 * key authenticates as the admin `local-cli` and only from a loopback address: read from the file,
 * it is worth nothing over the network. The file is removed on a clean exit; one whose pid is dead
 * is ignored.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { z } from 'zod';
import { PRIVATE_FILE_MODE } from '../core/private-files.ts';
import type { Principal } from '../domain/auth/roles.ts';

export const SERVER_FILE = 'server.json';
/** Local keys have their own prefix, so that one is never mistaken for a stored API key. */
export const LOCAL_KEY_PREFIX = 'tgl_';
/** Who the CLI is, asking through the local key (audited under this name). */
export const LOCAL_PRINCIPAL: Principal = { name: 'local-cli', role: 'admin' };

const ServerFile = z.object({
  pid: z.number().int().positive(),
  url: z.string().url(),
  token: z.string().startsWith(LOCAL_KEY_PREFIX),
});
export type LocalServer = z.infer<typeof ServerFile>;

export const serverFilePath = (dataDir: string) => join(dataDir, SERVER_FILE);

export const newLocalKey = (): string => LOCAL_KEY_PREFIX + randomBytes(32).toString('base64url');

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped forms: a caller on this machine. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(a) === 4) return a.startsWith('127.');
  return a === '::1';
}

/** The URL a local client uses for a server bound to `host` (a wildcard is reached over loopback). */
export function localUrl(serverUrl: string): string {
  const u = new URL(serverUrl);
  if (u.hostname === '0.0.0.0') u.hostname = '127.0.0.1';
  else if (u.hostname === '[::]') u.hostname = '[::1]';
  return u.toString();
}

/** Writes the server file (owner-only, complete before it appears). */
export function publishLocalServer(dataDir: string, s: Omit<LocalServer, 'pid'>): void {
  const file = serverFilePath(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ pid: process.pid, url: localUrl(s.url), token: s.token }) + '\n', {
    mode: PRIVATE_FILE_MODE,
  });
  renameSync(tmp, file);
}

/** Removes the server file if it is still this server's (another one may have started since). */
export function withdrawLocalServer(dataDir: string, token: string): void {
  try {
    if (readLocalServerFile(dataDir)?.token === token) unlinkSync(serverFilePath(dataDir));
  } catch {
    // gone already
  }
}

function readLocalServerFile(dataDir: string): LocalServer | undefined {
  let text: string;
  try {
    text = readFileSync(serverFilePath(dataDir), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const r = ServerFile.safeParse(JSON.parse(text));
    return r.success ? r.data : undefined;
  } catch {
    return undefined; // half-written by hand, or not ours: as if absent
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The server running on this data directory, if its file names a live process. */
export function localServer(dataDir: string): LocalServer | undefined {
  const s = readLocalServerFile(dataDir);
  return s && s.pid !== process.pid && alive(s.pid) ? s : undefined;
}
