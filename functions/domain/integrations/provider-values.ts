/**
 * Small, strict readers for provider payload values. Amounts never pass through a binary float:
 * Stripe sends integer minor units, Shopify decimal strings.
 */
import { formatAmount, normaliseCurrency, parseAmount } from '../money/currency.js';
import { formatScaledDecimal } from '../money/decimal.js';
import { formatMoney } from '../money/format-money.js';
import { parseMoney } from '../money/parse-money.js';
import { MalformedWebhookError } from './malformed-webhook-error.js';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A click id only when it is a UUID (what the redirect mints); merchants reuse these fields for their own ids. */
export function asClickId(value: unknown): string | undefined {
  return typeof value === 'string' && uuidPattern.test(value.trim()) ? value.trim().toLowerCase() : undefined;
}

/**
 * Stripe's zero-decimal and three-decimal currencies (its "Supported currencies" page); every other
 * currency is two-decimal in Stripe's API, including ISK, HUF and TWD, whose ISO 4217 minor unit
 * differs (ISK 100 in a Stripe event is 1 króna).
 */
const stripeZeroDecimal = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']);
const stripeThreeDecimal = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);

/**
 * A payload value quoted for an error message: at most 40 characters, so a hostile value never
 * floods a problem document or a log line. Objects and arrays are named, never serialised (a
 * 10,000-level document would overflow the stack).
 */
export function quoteInput(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** How many decimals an integer `amount` of `currency` has in Stripe's API. */
export function stripeExponent(currency: string): number {
  if (stripeZeroDecimal.has(currency)) return 0;
  if (stripeThreeDecimal.has(currency)) return 3;
  return 2;
}

/**
 * A Stripe integer amount (in Stripe's minor unit of `currency`) as the platform's decimal string
 * in the currency's ISO 4217 minor unit: (5000, "jpy") -> "5000", (1999, "usd") -> "19.99",
 * (5120, "kwd") -> "5.120", (4000, "isk") -> "40".
 */
export function stripeAmountToDecimal(value: unknown, currencyValue: unknown, field: string): string {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new MalformedWebhookError(`${field} must be a non-negative integer amount in the currency's minor unit`);
  }
  const currency = normaliseCurrency(currencyValue);
  if (!currency) throw new MalformedWebhookError(`currency ${quoteInput(currencyValue)} is not an ISO 4217 currency`);
  let decimal: string;
  try {
    decimal = formatAmount(parseAmount(formatScaledDecimal(BigInt(value), stripeExponent(currency)), currency), currency);
  } catch (cause) {
    throw new MalformedWebhookError(`${field} is not a whole amount of ${currency}'s minor unit`, { cause });
  }
  return withinRecordableRange(decimal, field);
}

/**
 * The largest amount a queue message (and a NUMERIC column) holds: 8 integer digits. A larger one
 * is the payload's fault, refused as malformed (400) rather than failing the enqueue (a 5xx the
 * provider would retry for days).
 */
export function withinRecordableRange(decimal: string, field: string): string {
  if (!/^-?\d{1,8}(\.\d+)?$/.test(decimal)) throw new MalformedWebhookError(`${field} is larger than the platform records (8 integer digits)`);
  return decimal;
}

/** A decimal amount string (Shopify) normalised to two decimals. */
export function decimalAmount(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new MalformedWebhookError(`${field} must be a decimal string`);
  try {
    return formatMoney(parseMoney(value));
  } catch (cause) {
    throw new MalformedWebhookError(`${field} is not a decimal amount`, { cause });
  }
}

/** Last second of year 9999: later instants have no plain ISO form (and Date stops at year 275760). */
const maxUnixSeconds = 253_402_300_799;

/** Unix seconds to an ISO UTC timestamp. */
export function unixToIso(value: unknown, field: string): string {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0 || value > maxUnixSeconds) {
    throw new MalformedWebhookError(`${field} must be a unix timestamp`);
  }
  return new Date(value * 1000).toISOString();
}

/** An ISO timestamp with any offset, as UTC. */
export function isoToUtc(value: unknown, field: string): string {
  const time = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) throw new MalformedWebhookError(`${field} must be an ISO timestamp`);
  return new Date(time).toISOString();
}

export function optionalString(value: unknown, max = 255): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed.slice(0, max);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function currencyOf(value: unknown): string | undefined {
  return typeof value === 'string' && /^[a-z]{3}$/i.test(value) ? value.toUpperCase() : undefined;
}
