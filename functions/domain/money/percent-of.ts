import { roundHalfUp } from './round-half-up.js';

/**
 * `basisPoints` of `cents`, rounded half-up to the cent: percentOf(9999n, 1000n) -> 1000n
 * ($99.99 at 10.00% = $9.999 -> $10.00).
 */
export function percentOf(cents: bigint, basisPoints: bigint): bigint {
  return roundHalfUp(cents * basisPoints, 10_000n);
}
