/** Polling for a condition that some other process or connection makes true. */

/**
 * Resolves once `cond` holds; rejects naming `what` after `ms`. Polls often while the condition is
 * cheap and backs off while it is not (reading an event log, asking a server), so that waiting
 * does not take the cores the awaited work needs.
 */
export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const started = Date.now();
    if (await cond()) return;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    const took = Date.now() - started;
    await new Promise((r) => setTimeout(r, Math.min(500, Math.max(25, 4 * took))));
  }
}
