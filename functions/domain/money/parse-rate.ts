import { InvalidDecimalError, parseScaledDecimal, formatScaledDecimal } from './decimal.js';

/**
 * Parses a percentage decimal string into basis points: "10.00" -> 1000n, "2.5" -> 250n.
 * At most two decimals (1 bp resolution). Negative rates are rejected: a rate is never negative.
 *
 * @throws InvalidDecimalError
 */
export function parseRate(decimal: string): bigint {
  const bp = parseScaledDecimal(decimal, 2);
  if (bp < 0n) throw new InvalidDecimalError(decimal, 'a rate is never negative');
  return bp;
}

/** Formats basis points as a percentage decimal string: 1000n -> "10.00". */
export function formatRate(basisPoints: bigint): string {
  return formatScaledDecimal(basisPoints, 2);
}
