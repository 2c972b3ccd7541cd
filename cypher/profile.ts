/**
 * The `profile` setting (TRACEGRAPH_PROFILE=1): time per statement, summed and printed at exit (how
 * the write path's costs in the README were found). Off until the command line turns it on.
 */
export let PROFILE = false;
const profiled = new Map<string, [number, number]>();

export function setProfiling(on: boolean): void {
  if (on && !PROFILE) process.on('exit', printProfile);
  if (!on && PROFILE) process.off('exit', printProfile);
  PROFILE = on;
}

export function profile(text: string, ms: number): void {
  const key = text
    .replace(/\s+/g, ' ')
    .replace(/'[^']*\.csv'/, "'…csv'")
    .slice(0, 70);
  const p = profiled.get(key) ?? [0, 0];
  profiled.set(key, [p[0] + 1, p[1] + ms]);
}

function printProfile(): void {
  for (const [k, [n, ms]] of [...profiled].sort((a, b) => b[1][1] - a[1][1]).slice(0, 15))
    process.stderr.write(`${ms.toFixed(0).padStart(8)} ms ${String(n).padStart(7)}x ${k}\n`);
}
