import { parseScaledDecimal } from './decimal.js';
import { roundHalfUp } from './round-half-up.js';

/** Fractional digits a multiplier may carry ("1.5", "0.125", "1.0001"). */
export const MULTIPLIER_SCALE = 6;

/**
 * Multiplies cents by an exact decimal multiplier string, rounding half-up to the cent:
 * multiplyByDecimal(999n, "1.5") -> 1499n ($9.99 x 1.5 = $14.985 -> $14.99).
 * The multiplier may have up to {@link MULTIPLIER_SCALE} decimals and may be negative.
 *
 * @throws InvalidDecimalError
 */
export function multiplyByDecimal(cents: bigint, multiplier: string): bigint {
  const scaled = parseScaledDecimal(multiplier, MULTIPLIER_SCALE);
  return roundHalfUp(cents * scaled, 10n ** BigInt(MULTIPLIER_SCALE));
}
