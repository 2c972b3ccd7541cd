/**
 * Who is calling: the `Authorization: Bearer <api key or token>` header to a principal. Keys are
 * looked up in the user file; tokens come from the `login` mutation and live in this process
 * only (short-lived: an hour); the dev key (given by `tracegraph demo` or TRACEGRAPH_DEV_KEY) is an
 * admin named `dev` that is never written to disk. Failed checks and each key's first use by this
 * process are audited as logins; later requests with the same key are not (an API key is sent
 * with every request: auditing each would make the trail a request log).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { TracegraphError } from '../../core/errors.ts';
import type { AuditTrail } from '../../domain/audit/trail.ts';
import { API_KEY_PREFIX, keyLabel, newSecret, secretHash, TOKEN_PREFIX } from '../../domain/auth/api-keys.ts';
import { DEV_PRINCIPAL, type Principal } from '../../domain/auth/roles.ts';
import { isLoopback, LOCAL_KEY_PREFIX, LOCAL_PRINCIPAL } from '../local-access.ts';
import { FailedAuthentications, type AuthFailure, type FailedAuthLimits } from './failed-auth.ts';
import { LoginThrottle, TooManyAttempts, type LoginLimits } from '../../domain/auth/throttle.ts';
import type { UserStore } from '../../domain/auth/users.ts';

const TOKEN_TTL_MS = 60 * 60 * 1000;
const MAX_CREDENTIAL_LENGTH = 256;
const MIN_DEV_KEY_LENGTH = 16;

/**
 * Who is calling, or why nobody is; `retryAfterSeconds` is set when the address has failed too
 * often in the current window (answer 429 rather than 401).
 */
export type Authentication = { principal: Principal } | { principal: null; reason: string; retryAfterSeconds?: number };

export interface LoginResult {
  token: string;
  expiresAt: string;
  principal: Principal;
}

interface Token {
  principal: Principal;
  /** The user record it was issued for: a token dies with its user, even if the name is re-added. */
  userCreated: string;
  expires: number;
}

/**
 * An opaque id of the credential in an Authorization header (or a WebSocket's init payload): what
 * a signed-in session is, for limits that must not be shared with other callers.
 */
export function sessionOf(header: string | null | undefined): string | undefined {
  const secret = header ? /^Bearer +(\S+) *$/i.exec(header)?.[1] : undefined;
  return secret === undefined ? undefined : secretHash(secret);
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export class Authenticator {
  private readonly tokens = new Map<string, Token>();
  private readonly seenKeys = new Set<string>();
  private readonly devKeyDigest: Buffer | undefined;
  private readonly localKeyDigest: Buffer | undefined;
  /** Failed-password limits, shared by login and signatures (domain/auth/throttle.ts). */
  readonly throttle: LoginThrottle;
  /** Failed key and token checks per address: aggregated in the audit trail, rate-limited (failed-auth.ts). */
  readonly failures: FailedAuthentications;

  constructor(
    readonly users: UserStore,
    private readonly audit: AuditTrail,
    opts: {
      devKey?: string;
      /** The key of `<data>/server.json` (api/local-access.ts): an admin, from loopback only. */
      localKey?: string;
      tokenTtlMs?: number;
      loginLimits?: Partial<LoginLimits>;
      failedAuthLimits?: Partial<FailedAuthLimits>;
    } = {},
  ) {
    if (opts.devKey !== undefined && opts.devKey.length < MIN_DEV_KEY_LENGTH)
      throw new TracegraphError('CONFIG', `the dev key (TRACEGRAPH_DEV_KEY) needs at least ${MIN_DEV_KEY_LENGTH} characters`);
    this.devKeyDigest = opts.devKey ? digest(opts.devKey) : undefined;
    this.localKeyDigest = opts.localKey ? digest(opts.localKey) : undefined;
    this.tokenTtlMs = opts.tokenTtlMs ?? TOKEN_TTL_MS;
    this.throttle = new LoginThrottle(opts.loginLimits);
    this.failures = new FailedAuthentications(audit, opts.failedAuthLimits);
  }

  /** Writes the failure counts still gathering (on shutdown). */
  async close(): Promise<void> {
    await this.failures.close();
  }

  private readonly tokenTtlMs: number;

  /**
   * The principal for an Authorization header, or why there is none. Failed checks are audited,
   * aggregated per client `address` (the TCP peer; undefined for in-process callers).
   */
  async authenticate(header: string | null | undefined, address?: string): Promise<Authentication> {
    const failed = (method: string, reason: string, actor?: string, keyLabel?: string) =>
      this.failed(address, { method, reason, actor, keyLabel });
    if (!header?.trim())
      return {
        principal: null,
        reason: 'authentication required: send `Authorization: Bearer <api key>` (`tracegraph user add` prints a key)',
      };
    const m = /^Bearer +(\S+) *$/i.exec(header);
    if (!m?.[1] || m[1].length > MAX_CREDENTIAL_LENGTH)
      return failed('malformed', 'the Authorization header must be `Bearer <api key or token>`');
    const secret = m[1];
    if (this.devKeyDigest && timingSafeEqual(digest(secret), this.devKeyDigest)) return { principal: DEV_PRINCIPAL };
    if (secret.startsWith(LOCAL_KEY_PREFIX)) {
      if (!this.localKeyDigest || !timingSafeEqual(digest(secret), this.localKeyDigest))
        return failed(
          'localKey',
          "the local key is not this server's: it changes with every start (read <data>/server.json again)",
        );
      // The file that holds it is readable by the data directory's owner: that proves something on this machine only.
      if (!isLoopback(address)) return failed('localKey', 'the local key is accepted from this machine only (loopback)');
      return { principal: LOCAL_PRINCIPAL };
    }
    if (secret.startsWith(TOKEN_PREFIX)) {
      const hash = secretHash(secret);
      const t = this.tokens.get(hash);
      if (!t || t.expires < Date.now()) {
        this.tokens.delete(hash);
        return failed('token', 'the token is unknown or expired: log in again');
      }
      // A user revoked since logging in loses its tokens too.
      const still = await this.users.active(t.principal.name);
      if (still?.created !== t.userCreated) return failed('token', `user ${t.principal.name} was revoked`, t.principal.name);
      return { principal: still.principal };
    }
    if (secret.startsWith(API_KEY_PREFIX)) {
      const principal = await this.users.principalForKey(secret);
      if (!principal) return failed('apiKey', 'the API key is unknown or revoked', undefined, keyLabel(secret));
      const hash = secretHash(secret);
      if (!this.seenKeys.has(hash)) {
        this.seenKeys.add(hash);
        await this.audit.append({
          actor: principal.name,
          action: 'login',
          details: { method: 'apiKey', ok: true, keyLabel: keyLabel(secret) },
        });
      }
      return { principal };
    }
    return failed('malformed', 'not an API key or token: API keys start with tg_, login tokens with tgt_');
  }

  private async failed(address: string | undefined, failure: AuthFailure): Promise<Authentication> {
    const verdict = await this.failures.record(address, failure);
    if (!verdict.limited) return { principal: null, reason: failure.reason };
    return {
      principal: null,
      reason: `too many failed authentications from ${address ?? 'this client'}: try again in ${verdict.retryAfterSeconds} s with a valid key`,
      retryAfterSeconds: verdict.retryAfterSeconds,
    };
  }

  /**
   * Checks a name and password and issues a short-lived token; every attempt is audited. Refused
   * with TOO_MANY_ATTEMPTS, unchecked, while the name or the client address is locked out.
   */
  async login(name: string, password: string, address?: string): Promise<LoginResult> {
    const actor = name.slice(0, 64) || 'anonymous';
    let attempt;
    try {
      attempt = this.throttle.begin(name, address);
    } catch (e) {
      if (e instanceof TooManyAttempts)
        await this.audit.append({
          actor,
          action: 'login',
          details: {
            method: 'password',
            ok: false,
            reason: 'too-many-attempts',
            retryAt: e.retryAt.toISOString(),
            ...(address ? { address } : {}),
          },
        });
      throw e;
    }
    let outcome;
    try {
      outcome = await this.users.checkPassword(name, password);
    } catch (e) {
      attempt.done(undefined);
      throw e;
    }
    attempt.done(outcome === 'ok' ? 'ok' : 'failed');
    if (outcome !== 'ok') {
      await this.audit.append({
        actor,
        action: 'login',
        details: { method: 'password', ok: false, reason: outcome, ...(address ? { address } : {}) },
      });
      // One message for every failure: which part was wrong is for the audit trail, not the caller.
      throw new TracegraphError(
        'UNAUTHENTICATED',
        'wrong user name or password (or the user has no password: add one with `tracegraph user add --password-stdin`)',
      );
    }
    const user = await this.users.active(name);
    if (!user) throw new TracegraphError('UNAUTHENTICATED', `user ${name} was revoked meanwhile`);
    const { principal } = user;
    const now = Date.now();
    for (const [h, t] of this.tokens) if (t.expires < now) this.tokens.delete(h);
    const token = newSecret(TOKEN_PREFIX);
    const expires = now + this.tokenTtlMs;
    this.tokens.set(secretHash(token), { principal, userCreated: user.created, expires });
    await this.audit.append({ actor: name, action: 'login', details: { method: 'password', ok: true } });
    return { token, expiresAt: new Date(expires).toISOString(), principal };
  }
}
