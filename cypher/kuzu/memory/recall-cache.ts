/**
 * Recent recall scopes by criteria, for the embedded store.
 *
 * A quality engineer paging through a scope's units (`units(first, after)`) asks for the same
 * criteria once per page, and several people open the same recall at once; each asked the store to
 * compute the whole scope again (~30 ms of CPU on the store's only queue for a supplier lot of
 * ~3,000 units). Identical criteria share one computation, also while it is still queued.
 *
 * Correct after new events: the store calls `invalidate` whenever a write batch ends (committed or
 * not), before that write is acknowledged, so a scope asked for after a write completed is always
 * computed from the graph that includes it. Entries also expire after `ttlMs` and at most `max` are
 * kept, so the cache holds a few recent scopes, never a growing share of the graph.
 */
import type { RecallCriteria, RecallScopeResult } from '../../port.ts';

export class RecallCache {
  private readonly entries = new Map<string, { at: number; scope: Promise<RecallScopeResult> }>();

  constructor(
    private readonly ttlMs = 30_000,
    private readonly max = 32,
  ) {}

  /** The graph changed: no cached scope may be answered again. */
  invalidate(): void {
    this.entries.clear();
  }

  /** The cached scope for these criteria, or `compute`'s (which is then cached unless it fails). */
  scope(criteria: RecallCriteria, compute: () => Promise<RecallScopeResult>): Promise<RecallScopeResult> {
    const key = JSON.stringify(criteria);
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.scope;
    this.entries.delete(key);
    const scope = compute();
    const entry = { at: now, scope };
    this.entries.set(key, entry);
    // An error (bad criteria, a closed store) is answered once, not remembered.
    scope.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return scope;
  }
}
