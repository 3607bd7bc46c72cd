import { formatScaledDecimal } from './decimal.js';

/** Formats integer cents as a decimal string with two places: 1230n -> "12.30", -5n -> "-0.05". */
export function formatMoney(cents: bigint): string {
  return formatScaledDecimal(cents, 2);
}
