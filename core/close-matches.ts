/** Close matches to a name someone typed, for answers that say what they may have meant. */

/** Levenshtein distance, giving up (returning `max + 1`) once it must exceed `max`. */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      best = Math.min(best, cur[j]!);
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The candidates closest to what was typed, best first: the same but for case, then those it
 * starts (or that start it), then those containing it (or contained in it), then those a few
 * edits away (at most a quarter of its length, at least 2). Case is ignored throughout.
 */
export function closeMatches(value: string, candidates: Iterable<string>, limit = 5): string[] {
  const v = value.trim().toLowerCase();
  if (!v) return [];
  const max = Math.max(2, Math.floor(v.length / 4));
  const scored: { c: string; rank: number; d: number }[] = [];
  for (const c of new Set(candidates)) {
    const l = c.toLowerCase();
    let rank: number;
    let d = Math.abs(l.length - v.length);
    if (l === v) rank = 0;
    else if (l.startsWith(v) || v.startsWith(l)) rank = 1;
    else if (l.includes(v) || (l.length >= 3 && v.includes(l))) rank = 2;
    else {
      d = editDistance(v, l, max);
      if (d > max) continue;
      rank = 3;
    }
    scored.push({ c, rank, d });
  }
  scored.sort((a, b) => a.rank - b.rank || a.d - b.d || (a.c < b.c ? -1 : a.c > b.c ? 1 : 0));
  return scored.slice(0, limit).map((x) => x.c);
}
