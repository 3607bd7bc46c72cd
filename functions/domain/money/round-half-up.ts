/**
 * Divides `numerator / denominator` and rounds half away from zero ("half-up" on magnitude):
 * the ONE rounding rule of the platform. Every other money helper that divides goes through it.
 *
 * Negative results round symmetrically (-2.5 -> -3) so a refund of a sale mirrors the sale.
 *
 * @example roundHalfUp(25n, 10n) // 3n
 * @example roundHalfUp(-25n, 10n) // -3n
 * @throws RangeError when the denominator is zero.
 */
export function roundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('roundHalfUp: division by zero');
  // Normalise the sign onto the numerator so the remainder logic only handles one case.
  if (denominator < 0n) {
    numerator = -numerator;
    denominator = -denominator;
  }
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  let quotient = magnitude / denominator;
  const remainder = magnitude % denominator;
  if (remainder * 2n >= denominator) quotient += 1n;
  return negative ? -quotient : quotient;
}
