/**
 * Fixed-point arithmetic for time-decay weights. Weights only decide shares: the cent split is
 * always done by largest remainder on these integers, so no binary float touches money.
 *
 * Precision: values are integers scaled by WEIGHT_SCALE = 10^30. 2^-f for a fraction f is
 * evaluated from f's first 64 binary digits as a product of the exact-to-1-ulp square-root
 * chain 2^-1/2, 2^-1/4, ... (integer Newton square roots), so the relative error is below
 * 64 ulp + ln2 x 2^-64, i.e. about 1e-19: far below one cent on any amount the DECIMAL(10,2)
 * columns can hold (< 10^8 dollars = 10^10 cents).
 */
export const WEIGHT_SCALE = 10n ** 30n;

const FRACTION_BITS = 64;

/** floor(sqrt(n)) for a non-negative bigint (Newton's method, exact). */
export function integerSqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError('integerSqrt: negative');
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** ROOTS[i] = 2^(-1 / 2^(i+1)) x WEIGHT_SCALE, computed once. */
const ROOTS: bigint[] = (() => {
  const roots: bigint[] = [];
  let r = WEIGHT_SCALE / 2n; // 2^-1
  for (let i = 0; i < FRACTION_BITS; i += 1) {
    r = integerSqrt(r * WEIGHT_SCALE);
    roots.push(r);
  }
  return roots;
})();

/**
 * 2^(-numerator/denominator) x WEIGHT_SCALE, for a non-negative exponent given as a ratio of
 * integers (age in ms over half-life in ms), truncated toward zero. Very old clicks underflow
 * to 0: their share is below 10^-30 of the newest click's.
 */
export function twoToMinusRatio(numerator: bigint, denominator: bigint): bigint {
  if (numerator < 0n || denominator <= 0n) throw new RangeError('twoToMinusRatio: exponent must be >= 0');
  const whole = numerator / denominator;
  if (whole >= 128n) return 0n; // 2^-128 x 10^30 < 1
  let remainder = numerator % denominator;
  let value = WEIGHT_SCALE;
  for (let i = 0; i < FRACTION_BITS && remainder > 0n; i += 1) {
    remainder *= 2n;
    if (remainder >= denominator) {
      remainder -= denominator;
      value = (value * (ROOTS[i] ?? 0n)) / WEIGHT_SCALE;
    }
  }
  return value >> whole;
}
