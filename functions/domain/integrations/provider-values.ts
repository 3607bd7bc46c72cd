/**
 * Small, strict readers for provider payload values. Amounts never pass through a binary float:
 * Stripe sends integer minor units, Shopify decimal strings.
 */
import { formatMoney } from '../money/format-money.js';
import { parseMoney } from '../money/parse-money.js';
import { MalformedWebhookError } from './malformed-webhook-error.js';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A click id only when it is a UUID (what the redirect mints); merchants reuse these fields for their own ids. */
export function asClickId(value: unknown): string | undefined {
  return typeof value === 'string' && uuidPattern.test(value.trim()) ? value.trim().toLowerCase() : undefined;
}

/** Stripe integer minor units (cents) as a decimal string. */
export function centsToDecimal(value: unknown, field: string): string {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new MalformedWebhookError(`${field} must be a non-negative integer amount in cents`);
  }
  return formatMoney(BigInt(value));
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
