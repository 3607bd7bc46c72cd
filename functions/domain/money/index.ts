/**
 * Money: integer cents (bigint) and basis points; decimal strings only at the edges.
 * Half-up rounding lives in {@link roundHalfUp} and nowhere else.
 */
export { roundHalfUp } from './round-half-up.js';
export { parseMoney } from './parse-money.js';
export { formatMoney } from './format-money.js';
export { parseRate, formatRate } from './parse-rate.js';
export { percentOf } from './percent-of.js';
export { multiplyByDecimal, MULTIPLIER_SCALE } from './multiply-by-decimal.js';
export { splitLargestRemainder, type SplitWeight } from './split-largest-remainder.js';
export { InvalidDecimalError, parseScaledDecimal, formatScaledDecimal } from './decimal.js';
