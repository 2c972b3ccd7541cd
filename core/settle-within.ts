/**
 * Waits for a promise at most `ms`: shutdown paths use it so that a peer that has gone away (a
 * broker or PLC being restarted) cannot hold a close for ever. Resolves true when the promise
 * settled in time (either way), false when the time ran out; never rejects.
 */
export function settleWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  const settled = p.then(
    () => true,
    () => true,
  );
  return Promise.race([settled, late]).finally(() => clearTimeout(timer));
}
