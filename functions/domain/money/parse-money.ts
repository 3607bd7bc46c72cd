import { parseScaledDecimal } from './decimal.js';

/**
 * Parses a decimal money string into integer cents.
 *
 * Accepts "12", "12.3", "12.35", "-1.50". Rejects more than two decimals, exponents ("1e3"),
 * numbers (a JS number is already a binary float), empty strings and whitespace.
 *
 * @throws InvalidDecimalError
 */
export function parseMoney(decimal: string): bigint {
  return parseScaledDecimal(decimal, 2);
}
