/**
 * Failed authentications (a wrong, unknown or malformed key or token), per client address: the
 * audit trail gets the first failure of an address at once, and the rest of that address's
 * failures in the same window as one entry with their count when the window ends. So a client
 * sending a wrong key with every request, or someone guessing keys, costs the trail at most two
 * entries per address per window instead of one fsynced entry per request. Past `maxPerWindow`
 * failures in a window, the address is answered 429 with Retry-After (a valid key from it still
 * works: a shared NAT address is not locked out by one misconfigured client).
 *
 * Counts live in this process (one API instance), for at most `maxTracked` addresses; past that
 * the oldest window is closed early (its count written) to make room.
 */
import type { AuditTrail } from '../../domain/audit/trail.ts';

export interface FailedAuthLimits {
  /** How long one address's failures are gathered into one entry, ms (default 60 s). */
  windowMs: number;
  /** Failures from one address within a window before it is answered 429 (default 30). */
  maxPerWindow: number;
  /** Addresses tracked at once (default 10,000). */
  maxTracked: number;
}

export const DEFAULT_FAILED_AUTH_LIMITS: FailedAuthLimits = { windowMs: 60_000, maxPerWindow: 30, maxTracked: 10_000 };

export interface AuthFailure {
  method: string;
  reason: string;
  /** The user a token was issued to, when known. */
  actor?: string;
  keyLabel?: string;
}

interface Window {
  start: number;
  /** Failures in the window, the first (already audited) included. */
  count: number;
  /** Failures since the first, to be written as one entry when the window ends. */
  pending: number;
  methods: Set<string>;
  lastReason: string;
}

/** Whether the caller should be slowed down: answer 429 and say when to try again. */
export interface FailureVerdict {
  limited: boolean;
  retryAfterSeconds: number;
}

export class FailedAuthentications {
  readonly limits: FailedAuthLimits;
  private readonly windows = new Map<string, Window>();
  private readonly sweeper: NodeJS.Timeout;
  /** Audit writes under way (so that close() can wait for them). */
  private writing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly audit: AuditTrail,
    limits: Partial<FailedAuthLimits> = {},
    private readonly now: () => number = Date.now,
  ) {
    const given = Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined));
    this.limits = { ...DEFAULT_FAILED_AUTH_LIMITS, ...given };
    // Windows nobody touches again still get their count written, soon after they end.
    this.sweeper = setInterval(() => void this.sweep(), Math.max(200, Math.min(this.limits.windowMs / 5, 15_000)));
    this.sweeper.unref();
  }

  /** Addresses with an open window (for tests: memory stays bounded). */
  get tracked(): number {
    return this.windows.size;
  }

  async record(address: string | undefined, failure: AuthFailure): Promise<FailureVerdict> {
    const key = address ?? 'unknown';
    const now = this.now();
    let w = this.windows.get(key);
    if (w && now - w.start >= this.limits.windowMs) {
      this.windows.delete(key);
      await this.write(this.summary(key, w, now));
      w = undefined;
    }
    if (!w) {
      while (this.windows.size >= this.limits.maxTracked) {
        const [oldKey, old] = this.windows.entries().next().value!;
        this.windows.delete(oldKey);
        await this.write(this.summary(oldKey, old, now));
      }
      w = { start: now, count: 1, pending: 0, methods: new Set(), lastReason: failure.reason };
      this.windows.set(key, w);
      await this.write({
        actor: failure.actor ?? 'anonymous',
        action: 'login',
        details: {
          method: failure.method,
          ok: false,
          reason: failure.reason,
          ...(failure.keyLabel ? { keyLabel: failure.keyLabel } : {}),
          ...(address ? { address } : {}),
        },
      });
      return { limited: false, retryAfterSeconds: 0 };
    }
    w.count++;
    w.pending++;
    w.methods.add(failure.method);
    w.lastReason = failure.reason;
    const retryAfterSeconds = Math.max(1, Math.ceil((w.start + this.limits.windowMs - now) / 1000));
    return { limited: w.count > this.limits.maxPerWindow, retryAfterSeconds };
  }

  /** Writes the counts of every open window (on shutdown). */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const now = this.now();
    const open = [...this.windows];
    this.windows.clear();
    for (const [key, w] of open) await this.write(this.summary(key, w, now));
    await this.writing;
  }

  private async sweep(): Promise<void> {
    const now = this.now();
    for (const [key, w] of this.windows) {
      if (now - w.start < this.limits.windowMs) continue;
      this.windows.delete(key);
      await this.write(this.summary(key, w, now)).catch((e: unknown) =>
        console.error('tracegraph auth: writing failed-authentication counts to the audit trail:', e),
      );
    }
  }

  private summary(key: string, w: Window, now: number) {
    if (w.pending === 0) return undefined;
    const end = Math.min(now, w.start + this.limits.windowMs);
    return {
      actor: 'anonymous',
      action: 'login',
      details: {
        method: [...w.methods].sort().join(','),
        ok: false,
        reason: `${w.pending} more failed authentication(s) from ${key} in this window; the last: ${w.lastReason}`,
        count: w.pending,
        from: new Date(w.start).toISOString(),
        to: new Date(end).toISOString(),
        ...(key !== 'unknown' ? { address: key } : {}),
      },
    };
  }

  private async write(entry: Parameters<AuditTrail['append']>[0] | undefined): Promise<void> {
    if (!entry) return;
    const p = this.audit.append(entry);
    this.writing = this.writing.then(() => p.catch(() => undefined));
    await p;
  }
}
