/**
 * "Did you mean" suggestions. A hostile file can hold thousands of unknown
 * names, each compared with thousands of candidates, so callers take a
 * budget: after it is spent they stop suggesting, and checking stays linear.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const max = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase(), Math.min(max, bestDistance - 1));
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= max && bestDistance < word.length ? best : undefined;
}

/** A `closest` that answers only its first `budget` calls; later calls return undefined. */
export function suggester(budget = 20): (word: string, candidates: Iterable<string>) => string | undefined {
  let left = budget;
  return (word, candidates) => (left-- > 0 ? closest(word, candidates) : undefined);
}

/** Levenshtein distance, abandoned (Infinity) as soon as it must exceed `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return Infinity;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      rowMin = Math.min(rowMin, cur[j]!);
    }
    if (rowMin > limit) return Infinity;
    prev = cur;
  }
  return prev[b.length]! <= limit ? prev[b.length]! : Infinity;
}
