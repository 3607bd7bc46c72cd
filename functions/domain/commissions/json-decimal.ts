import { z } from 'zod';

/**
 * Rule JSON may carry amounts as JSON numbers (`"commission_multiplier": 1.5`, `"bonus_flat": 10`)
 * or as decimal strings. A JSON number has already been parsed into a binary double, so we turn
 * it back into the decimal the author wrote with `String(n)`: ECMAScript prints the SHORTEST
 * decimal that round-trips to the same double, which is exactly the written literal for any
 * value with at most 15 significant digits (all amounts here). Exponent forms ("1e-7", "1e+21")
 * only appear far outside those ranges and are rejected, as are NaN/Infinity. From then on the
 * value is an exact decimal string and never touches a float again.
 */
export function jsonNumberToDecimal(value: number | string): string | undefined {
  if (typeof value === 'string') return value.trim() === value ? value : undefined;
  if (!Number.isFinite(value)) return undefined;
  const text = String(value);
  return /e/i.test(text) ? undefined : text;
}

/** Canonical form: no leading zeros, no trailing fractional zeros ("010.50" -> "10.5"). */
function canonical(decimal: string): string {
  const negative = decimal.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? decimal.slice(1) : decimal).split('.');
  const w = whole.replace(/^0+(?=\d)/, '');
  const f = fraction.replace(/0+$/, '');
  const body = f ? `${w}.${f}` : w;
  return negative && /[1-9]/.test(body) ? `-${body}` : body;
}

/**
 * A zod field accepting a JSON number or a decimal string, with at most `maxDecimals`
 * fractional digits, non-negative, optionally capped; outputs a canonical decimal string.
 */
export function decimalField(options: { maxDecimals: number; max?: string; label: string }) {
  const pattern = new RegExp(`^\\d+(?:\\.\\d{1,${options.maxDecimals}})?$`);
  return z.union([z.number(), z.string()]).transform((input, ctx): string => {
    const text = jsonNumberToDecimal(input);
    if (text === undefined || !pattern.test(text)) {
      ctx.addIssue({
        code: 'custom',
        message: `${options.label} must be a non-negative decimal with at most ${options.maxDecimals} decimals`,
      });
      return z.NEVER;
    }
    const value = canonical(text);
    if (options.max !== undefined && compareDecimals(value, options.max) > 0) {
      ctx.addIssue({ code: 'custom', message: `${options.label} must be at most ${options.max}` });
      return z.NEVER;
    }
    return value;
  });
}

/** Compares two non-negative canonical-or-plain decimal strings exactly. */
export function compareDecimals(a: string, b: string): number {
  const [aw = '0', af = ''] = a.split('.');
  const [bw = '0', bf = ''] = b.split('.');
  const width = Math.max(af.length, bf.length);
  const x = BigInt(aw + af.padEnd(width, '0'));
  const y = BigInt(bw + bf.padEnd(width, '0'));
  return x === y ? 0 : x < y ? -1 : 1;
}
