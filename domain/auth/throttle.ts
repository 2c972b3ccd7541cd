/**
 * Limits on failed password checks (the `login` mutation and signature password re-entry), so
 * that a password cannot be guessed at the speed of the network: after `maxFailuresPerName`
 * failures for one user name, or `maxFailuresPerAddress` from one client address, within
 * `windowMs`, further logins for that name or from that address are refused without looking at
 * the password (right or wrong). A successful check clears the name's count.
 *
 * Lockouts are progressive: the first lasts `lockoutMs`, each further one (before a quiet period of
 * `maxLockoutMs` without a lockout) twice the one before, up to `maxLockoutMs`. So a user who
 * mistyped five times waits a minute, not a quarter of an hour, while a sustained guesser is
 * slowed to a handful of guesses an hour.
 *
 * Signatures are counted per signed-in session (the key or token it authenticated with), not per
 * name or address: someone failing logins for a user's name, or from the same NAT address, cannot
 * stop that user's own session from signing; a session that fails signatures locks only itself.
 *
 * The counts live in this process (one API instance), bounded: names and addresses not seen for a
 * window and a lockout are forgotten, and past `maxTracked` each the least recently failed go.
 */
import { TracegraphError } from '../../core/errors.ts';

export interface LoginLimits {
  /** Failures for one user name within the window that lock the name (default 5). */
  maxFailuresPerName: number;
  /** Failures from one client address within the window that lock the address (default 20; 0: no limit). */
  maxFailuresPerAddress: number;
  /** How far back failures count, ms (default 15 minutes). */
  windowMs: number;
  /** How long the first lockout of a name, address or session lasts, ms (default 1 minute). */
  lockoutMs: number;
  /** The longest lockout, reached by doubling; also the quiet time after which lockouts start short again (default 15 minutes). */
  maxLockoutMs: number;
  /** Names (and, separately, addresses) tracked at most (default 10,000). */
  maxTracked: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  maxFailuresPerName: 5,
  // Higher than per name: a shop floor often logs in from one terminal or behind one NAT address.
  maxFailuresPerAddress: 20,
  windowMs: 15 * 60_000,
  lockoutMs: 60_000,
  maxLockoutMs: 15 * 60_000,
  maxTracked: 10_000,
};

/** Refused without a password check; `retryAt` is when the lockout ends. */
export class TooManyAttempts extends TracegraphError {
  constructor(
    readonly retryAt: Date,
    readonly retryAfterSeconds: number,
    what: string,
  ) {
    super(
      'TOO_MANY_ATTEMPTS',
      `too many failed password attempts ${what}: try again after ${retryAt.toISOString()} (in ${retryAfterSeconds} s)`,
    );
  }
}

interface Counter {
  /** Times of the failures in the window, oldest first. */
  failures: number[];
  lockedUntil: number;
  /** Checks begun and not yet done: they count, so parallel guesses get no more than the limit. */
  pending: number;
  /** Last failure or lock: the order of the map, for forgetting. */
  touched: number;
  /** Lockouts so far (each doubles the next), since the last quiet period or success. */
  strikes: number;
}

/** One password check under way: say how it ended, exactly once. */
export interface PasswordAttempt {
  /** ok: the password was right; failed: it was wrong; undefined: the check itself broke (not counted). */
  done(outcome: 'ok' | 'failed' | undefined): void;
}

class Counters {
  private readonly map = new Map<string, Counter>();

  constructor(
    private readonly max: number,
    private readonly limits: LoginLimits,
  ) {}

  get size(): number {
    return this.map.size;
  }

  /** When the key is locked out (or full of checks under way), when it may try again; else undefined. */
  lockedUntil(key: string, now: number): number | undefined {
    const c = this.map.get(key);
    if (!c) return undefined;
    if (c.lockedUntil > now) return c.lockedUntil;
    const recent = c.failures.filter((t) => t > now - this.limits.windowMs).length;
    // Checks under way that would reach the limit: ask again in a moment, when they are done.
    if (recent + c.pending >= this.max) return now + 1000;
    return undefined;
  }

  begin(key: string, now: number): Counter {
    let c = this.map.get(key);
    if (!c) {
      this.forget(now);
      c = { failures: [], lockedUntil: 0, pending: 0, touched: now, strikes: 0 };
      this.map.set(key, c);
    }
    c.pending++;
    return c;
  }

  failed(key: string, c: Counter, now: number): void {
    c.failures = c.failures.filter((t) => t > now - this.limits.windowMs);
    c.failures.push(now);
    if (c.failures.length >= this.max) {
      const { lockoutMs, maxLockoutMs } = this.limits;
      if (now - c.lockedUntil > maxLockoutMs) c.strikes = 0; // quiet long enough: start short again
      c.lockedUntil = now + Math.min(lockoutMs * 2 ** c.strikes, Math.max(lockoutMs, maxLockoutMs));
      c.strikes++;
      c.failures = [];
    }
    c.touched = now;
    // Most recently failed last: the map's order is the order to forget in.
    if (this.map.get(key) === c) {
      this.map.delete(key);
      this.map.set(key, c);
    }
  }

  clear(key: string, c: Counter): void {
    c.failures = [];
    c.lockedUntil = 0;
    c.strikes = 0;
    if (c.pending === 0 && this.map.get(key) === c) this.map.delete(key);
  }

  /** Drops what can no longer lock anything, oldest first; past the cap, the oldest regardless. */
  private forget(now: number): void {
    const horizon = now - Math.max(this.limits.windowMs, this.limits.lockoutMs, this.limits.maxLockoutMs);
    for (const [key, c] of this.map) {
      const expired = c.touched <= horizon && c.lockedUntil <= now && c.pending === 0;
      if (!expired && this.map.size < this.limits.maxTracked) break;
      this.map.delete(key);
    }
  }
}

export class LoginThrottle {
  readonly limits: LoginLimits;
  private readonly names: Counters;
  private readonly addresses: Counters | undefined;
  private readonly sessions: Counters;

  constructor(
    limits: Partial<LoginLimits> = {},
    private readonly now: () => number = Date.now,
  ) {
    // Keys given as undefined (unset in the config) keep their defaults.
    const given = Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined));
    this.limits = { ...DEFAULT_LOGIN_LIMITS, ...given };
    this.names = new Counters(this.limits.maxFailuresPerName, this.limits);
    this.sessions = new Counters(this.limits.maxFailuresPerName, this.limits);
    this.addresses =
      this.limits.maxFailuresPerAddress > 0 ? new Counters(this.limits.maxFailuresPerAddress, this.limits) : undefined;
  }

  /** Names and addresses tracked now (for tests: memory stays bounded). */
  get tracked(): { names: number; addresses: number; sessions: number } {
    return { names: this.names.size, addresses: this.addresses?.size ?? 0, sessions: this.sessions.size };
  }

  /**
   * Starts a signature's password check for a signed-in `session` (an opaque id of the credential
   * it authenticated with); throws TooManyAttempts while that session is locked out. Failures of
   * other callers (logins for the same name, other addresses) do not count here.
   */
  beginSignature(session: string): PasswordAttempt {
    const now = this.now();
    const until = this.sessions.lockedUntil(session, now);
    if (until !== undefined)
      throw new TooManyAttempts(new Date(until), Math.max(1, Math.ceil((until - now) / 1000)), 'for signatures in this session');
    const c = this.sessions.begin(session, now);
    let finished = false;
    return {
      done: (outcome) => {
        if (finished) return;
        finished = true;
        c.pending--;
        if (outcome === 'failed') this.sessions.failed(session, c, this.now());
        else if (outcome === 'ok') this.sessions.clear(session, c);
      },
    };
  }

  /**
   * Starts a password check for `name` from `address` (undefined: not known, e.g. in-process
   * callers); throws TooManyAttempts, before any check, while either is locked out.
   */
  begin(name: string, address: string | undefined): PasswordAttempt {
    const now = this.now();
    const nameKey = name.slice(0, 128);
    const byName = this.names.lockedUntil(nameKey, now);
    const byAddress = address !== undefined ? this.addresses?.lockedUntil(address, now) : undefined;
    if (byName !== undefined || byAddress !== undefined) {
      const until = Math.max(byName ?? 0, byAddress ?? 0);
      const what = byName !== undefined ? `for user ${JSON.stringify(nameKey)}` : `from address ${address}`;
      throw new TooManyAttempts(new Date(until), Math.max(1, Math.ceil((until - now) / 1000)), what);
    }
    const n = this.names.begin(nameKey, now);
    const a = address !== undefined && this.addresses ? { key: address, c: this.addresses.begin(address, now) } : undefined;
    let finished = false;
    return {
      done: (outcome) => {
        if (finished) return;
        finished = true;
        n.pending--;
        if (a) a.c.pending--;
        const t = this.now();
        if (outcome === 'failed') {
          this.names.failed(nameKey, n, t);
          if (a) this.addresses!.failed(a.key, a.c, t);
        } else if (outcome === 'ok') this.names.clear(nameKey, n);
      },
    };
  }
}
