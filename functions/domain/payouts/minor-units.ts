/**
 * Exact conversions between integer minor units and the decimal strings used at the edges
 * (NUMERIC columns, PayPal's `"12.30"`). No binary floating point touches an amount.
 */

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** `"12.30"` -> `1230n`; refuses more fractional digits than the currency has (no silent rounding). */
export function decimalStringToMinorUnits(value: string, exponent = 2): bigint {
  const match = DECIMAL.exec(value.trim());
  if (!match) throw new RangeError(`not a decimal amount: ${JSON.stringify(value)}`);
  const [, sign, whole = '0', fraction = ''] = match;
  if (fraction.length > exponent && /[1-9]/.test(fraction.slice(exponent))) {
    throw new RangeError(`${value} has more than ${exponent} decimal places`);
  }
  const units = BigInt(whole + fraction.slice(0, exponent).padEnd(exponent, '0'));
  return sign ? -units : units;
}

/** `1230n` -> `"12.30"`; `-5n` -> `"-0.05"`; exponent 0 (JPY) -> `"1230"`. */
export function minorUnitsToDecimalString(amount: bigint, exponent = 2): string {
  const negative = amount < 0n;
  const digits = (negative ? -amount : amount).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  return `${negative ? '-' : ''}${whole}${exponent > 0 ? `.${fraction}` : ''}`;
}
