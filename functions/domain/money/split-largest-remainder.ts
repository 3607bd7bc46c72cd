/** A weight given directly or as an object with a `weight` field (e.g. a touch). */
export type SplitWeight = bigint | { weight: bigint };

/**
 * Splits `total` cents into parts proportional to `weights` (largest-remainder / Hamilton
 * method) so the parts sum EXACTLY to `total`.
 *
 * Each part starts at floor(|total| x w / sum(w)); the cents left over go one each to the
 * largest remainders, ties broken by the lower index (deterministic). A negative total is split
 * as its magnitude and negated, so a refund mirrors its sale cent for cent.
 *
 * @example splitLargestRemainder(100n, [1n, 1n, 1n]) // [34n, 33n, 33n]
 * @throws RangeError when weights are empty, negative, or all zero (with a non-zero total).
 */
export function splitLargestRemainder(total: bigint, weights: readonly SplitWeight[]): bigint[] {
  const w = weights.map((x) => (typeof x === 'bigint' ? x : x.weight));
  if (w.length === 0) throw new RangeError('splitLargestRemainder: no weights');
  if (w.some((x) => x < 0n)) throw new RangeError('splitLargestRemainder: negative weight');
  const sum = w.reduce((a, b) => a + b, 0n);
  if (sum === 0n) {
    if (total === 0n) return w.map(() => 0n);
    throw new RangeError('splitLargestRemainder: all weights are zero');
  }
  const negative = total < 0n;
  const magnitude = negative ? -total : total;
  const parts = w.map((x) => (magnitude * x) / sum);
  const remainders = w.map((x, index) => ({ index, remainder: (magnitude * x) % sum }));
  let left = magnitude - parts.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) =>
    a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
  );
  for (const { index } of remainders) {
    if (left === 0n) break;
    parts[index] = (parts[index] ?? 0n) + 1n;
    left -= 1n;
  }
  return negative ? parts.map((p) => -p) : parts;
}
