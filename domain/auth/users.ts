/**
 * Users and their API keys, in an append-only JSON-lines file (`<dataDir>/auth/users.jsonl`):
 * a `user` record adds a user with one key (stored as a hash) and an optional password hash; a
 * `revoke` record ends a user and its key. It is a file, not part of the graph, so that
 * `tracegraph user add` works while `tracegraph serve` holds the graph open; the server notices a
 * changed file on the next request (one stat per request) and a new key works at once.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { TracegraphError } from '../../core/errors.ts';
import type { AuditTrail } from '../audit/trail.ts';
import { appendLocked } from '../audit/locked-append.ts';
import { keyLabel, newApiKey, secretHash } from './api-keys.ts';
import { hashPassword, passwordProblem, PasswordHashSchema, verifyPassword } from './passwords.ts';
import { RoleSchema, ROLES, type Principal, type Role } from './roles.ts';

/** Names taken by the system itself (the dev key's principal, audit actors). */
const RESERVED = new Set(['dev', 'system', 'anonymous']);
const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

const UserRecord = z.object({
  type: z.literal('user'),
  name: z.string(),
  role: RoleSchema,
  keyHash: z.string().regex(/^[0-9a-f]{64}$/),
  keyLabel: z.string(),
  password: PasswordHashSchema.optional(),
  created: z.string(),
  by: z.string(),
});
const RevokeRecord = z.object({ type: z.literal('revoke'), name: z.string(), time: z.string(), by: z.string() });
const Record_ = z.discriminatedUnion('type', [UserRecord, RevokeRecord]);
type UserRecord = z.infer<typeof UserRecord>;

/** What `user list` shows: never a hash. */
export interface UserInfo {
  name: string;
  role: Role;
  keyLabel: string;
  hasPassword: boolean;
  created: string;
  createdBy: string;
  revoked?: string;
}

interface State {
  /** inode, size and mtime of the file when it was read: a cheap "did it change?" */
  signature: string;
  active: Map<string, UserRecord>;
  byKeyHash: Map<string, UserRecord>;
  all: UserInfo[];
}

export function checkUserName(name: string): string {
  if (!NAME.test(name))
    throw new TracegraphError(
      'BAD_INPUT',
      `user name ${JSON.stringify(name)}: use 1 to 64 letters, digits and . _ @ - (starting with a letter or digit)`,
    );
  if (RESERVED.has(name)) throw new TracegraphError('BAD_INPUT', `user name ${JSON.stringify(name)} is reserved: choose another`);
  return name;
}

export function checkRole(role: string): Role {
  const r = RoleSchema.safeParse(role);
  if (!r.success) throw new TracegraphError('BAD_INPUT', `unknown role ${JSON.stringify(role)}: one of ${ROLES.join(', ')}`);
  return r.data;
}

function parse(text: string): Omit<State, 'signature'> {
  const active = new Map<string, UserRecord>();
  const all = new Map<string, UserInfo[]>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let rec: z.infer<typeof Record_>;
    try {
      const r = Record_.safeParse(JSON.parse(line));
      if (!r.success) continue;
      rec = r.data;
    } catch {
      // A torn or garbled line grants nothing; skipping it is the safe reading.
      continue;
    }
    if (rec.type === 'user') {
      active.set(rec.name, rec);
      const info: UserInfo = {
        name: rec.name,
        role: rec.role,
        keyLabel: rec.keyLabel,
        hasPassword: rec.password !== undefined,
        created: rec.created,
        createdBy: rec.by,
      };
      all.set(rec.name, [...(all.get(rec.name) ?? []), info]);
    } else {
      active.delete(rec.name);
      const infos = all.get(rec.name) ?? [];
      const last = infos[infos.length - 1];
      if (last && !last.revoked) last.revoked = rec.time;
    }
  }
  const byKeyHash = new Map([...active.values()].map((u) => [u.keyHash, u]));
  return { active, byKeyHash, all: [...all.values()].flat() };
}

/** How long a key lookup trusts the user file it last checked (API keys come with every request). */
export const KEY_CACHE_MS = 1_000;

export class UserStore {
  readonly path: string;
  private state: State | undefined;
  private checkedAt = 0;

  constructor(
    dataDir: string,
    private readonly audit: AuditTrail,
  ) {
    this.path = join(dataDir, 'auth', 'users.jsonl');
  }

  /**
   * Re-reads the file when it changed since the last read (another process added or revoked a
   * user). With `maxAgeMs`, a state checked that recently is trusted without even a stat.
   */
  private async current(maxAgeMs = 0): Promise<State> {
    if (this.state && maxAgeMs > 0 && Date.now() - this.checkedAt < maxAgeMs) return this.state;
    this.checkedAt = Date.now();
    let signature = 'absent';
    try {
      const s = await stat(this.path);
      signature = `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (this.state?.signature === signature) return this.state;
    const text = signature === 'absent' ? '' : await readFile(this.path, 'utf8');
    this.state = { signature, ...parse(text) };
    return this.state;
  }

  async principalForKey(key: string): Promise<Principal | undefined> {
    // A lookup by the hash of a 256-bit secret: timing tells an attacker nothing they could use.
    // A key is sent with every request: the file is checked for changes at most every KEY_CACHE_MS
    // (a revoke by this process counts at once, one by another process within that time).
    const u = (await this.current(KEY_CACHE_MS)).byKeyHash.get(secretHash(key));
    return u && { name: u.name, role: u.role };
  }

  /** The active user of that name, with when it was added (a user re-added after a revoke is a new one). */
  async active(name: string): Promise<{ principal: Principal; created: string } | undefined> {
    const u = (await this.current()).active.get(name);
    return u && { principal: { name: u.name, role: u.role }, created: u.created };
  }

  /** 'ok', or why the password does not verify. Costs one scrypt (~100 ms) when the user has a password. */
  async checkPassword(name: string, password: string): Promise<'ok' | 'unknown-user' | 'no-password' | 'wrong-password'> {
    const u = (await this.current()).active.get(name);
    if (!u) return 'unknown-user';
    if (!u.password) return 'no-password';
    return (await verifyPassword(password, u.password)) ? 'ok' : 'wrong-password';
  }

  async list(): Promise<UserInfo[]> {
    return (await this.current()).all;
  }

  /** Adds a user with a new API key and returns the key (shown once, never stored). */
  async add(opts: { name: string; role: string; password?: string; by: string }): Promise<string> {
    const name = checkUserName(opts.name);
    const role = checkRole(opts.role);
    if (opts.password !== undefined) {
      const problem = passwordProblem(opts.password);
      if (problem) throw new TracegraphError('BAD_INPUT', problem);
    }
    // Hashed before taking the lock: scrypt takes ~100 ms and the lock should be held for less.
    const password = opts.password === undefined ? undefined : await hashPassword(opts.password);
    const key = newApiKey();
    await appendLocked(this.path, 'the user list', async () => {
      this.state = undefined; // read afresh under the lock
      if ((await this.current()).active.has(name))
        throw new TracegraphError('BAD_INPUT', `user ${name} exists: revoke it first (tracegraph user revoke --name ${name})`);
      const rec: UserRecord = {
        type: 'user',
        name,
        role,
        keyHash: secretHash(key),
        keyLabel: keyLabel(key),
        password,
        created: new Date().toISOString(),
        by: opts.by,
      };
      return { lines: [JSON.stringify(rec)], result: undefined };
    });
    this.state = undefined;
    await this.audit.append({
      actor: opts.by,
      action: 'user.add',
      target: name,
      details: { role, keyLabel: keyLabel(key), password: password !== undefined },
    });
    return key;
  }

  /** Ends a user: its key and tokens stop working at the next request. */
  async revoke(opts: { name: string; by: string }): Promise<void> {
    await appendLocked(this.path, 'the user list', async () => {
      this.state = undefined;
      if (!(await this.current()).active.has(opts.name))
        throw new TracegraphError('NOT_FOUND', `no active user ${JSON.stringify(opts.name)} (tracegraph user list shows them)`);
      return {
        lines: [JSON.stringify({ type: 'revoke', name: opts.name, time: new Date().toISOString(), by: opts.by })],
        result: undefined,
      };
    });
    this.state = undefined;
    await this.audit.append({ actor: opts.by, action: 'user.revoke', target: opts.name });
  }
}
