/**
 * Shared strict decimal-string parser behind parseMoney, parseRate and multiplyByDecimal.
 * Accepts an optional leading minus, digits, and an optional fraction; no exponents, no plus
 * sign, no thousands separators, no surrounding whitespace - amounts at the edges are exact.
 */
const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** Error for a decimal string that is not an exact amount the platform accepts. */
export class InvalidDecimalError extends Error {
  constructor(
    readonly input: unknown,
    readonly reason: string,
  ) {
    super(`Invalid decimal ${JSON.stringify(input)}: ${reason}`);
    this.name = 'InvalidDecimalError';
  }
}

/**
 * Parses `decimal` into an integer scaled by 10^scale (e.g. scale 2: "12.3" -> 1230n).
 * Rejects more fractional digits than `scale` rather than rounding silently.
 */
export function parseScaledDecimal(decimal: string, scale: number): bigint {
  if (typeof decimal !== 'string') throw new InvalidDecimalError(decimal, 'expected a string');
  const match = DECIMAL.exec(decimal);
  if (!match) throw new InvalidDecimalError(decimal, 'expected digits with an optional "." fraction');
  const [, minus, whole = '', wideFraction = ''] = match;
  // Zeros past the scale change nothing ("5000.000" from a NUMERIC(…,3) column is 5000.00);
  // any other digit there would be rounded away, so it is refused.
  const fraction = wideFraction.length > scale && /^0+$/.test(wideFraction.slice(scale)) ? wideFraction.slice(0, scale) : wideFraction;
  if (fraction.length > scale) {
    throw new InvalidDecimalError(decimal, `at most ${scale} decimal places`);
  }
  const value = BigInt(whole + fraction.padEnd(scale, '0'));
  return minus ? -value : value;
}

/** Formats an integer scaled by 10^scale as a decimal string with exactly `scale` places. */
export function formatScaledDecimal(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  return `${negative ? '-' : ''}${whole}${scale > 0 ? `.${fraction}` : ''}`;
}
