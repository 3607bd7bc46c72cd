/**
 * The minimum a payout must reach, per currency (docs/money.md "Payout thresholds"). Thresholds
 * are decimal strings in the currency's major unit: "50.00" USD, "5000" JPY.
 */
import { InvalidDecimalError } from '../money/decimal.js';
import { isCurrencyCode, parseAmount } from '../money/currency.js';

/**
 * Defaults for the currencies partners are most often paid in, each about the same value as the
 * platform's historical $50 minimum (rounded to a figure people recognise).
 */
export const DEFAULT_PAYOUT_MINIMUMS: Readonly<Record<string, string>> = {
  USD: '50.00',
  EUR: '50.00',
  GBP: '40.00',
  CHF: '50.00',
  CAD: '70.00',
  AUD: '75.00',
  JPY: '5000',
};

/** The minimum of a currency named by nothing more specific: 50 of its major unit. */
export const FALLBACK_PAYOUT_MINIMUM = '50';

export interface PayoutThresholdSources {
  /** The run's own per-currency thresholds (job input `minimums`). */
  runMinimums?: Readonly<Record<string, string>>;
  /** The run's single threshold for every currency it does not name (job input `minimum`). */
  runMinimum?: string;
  /** The operator's per-currency thresholds (`PAYOUT_MINIMUMS`, "EUR=40.00,JPY=6000"). */
  configuredMinimums?: Readonly<Record<string, string>>;
  /** The operator's single threshold (`PAYOUT_MINIMUM`). */
  configuredMinimum?: string;
}

/**
 * Resolves what the payout run compares against, most specific first: the run's threshold for
 * the currency, the run's single threshold, the operator's threshold for the currency, the
 * operator's single threshold, the built-in default for the currency, else 50 of its major unit.
 * Returns the per-currency map and the threshold of every other currency.
 *
 * @throws InvalidDecimalError for a code that is not ISO 4217 or an amount finer than its currency
 */
export function resolvePayoutThresholds(sources: PayoutThresholdSources): { thresholds: Record<string, string>; otherwise: string } {
  const checked = (map: Readonly<Record<string, string>> | undefined) => {
    for (const [currency, value] of Object.entries(map ?? {})) {
      if (!isCurrencyCode(currency)) throw new InvalidDecimalError(currency, 'not an ISO 4217 currency code');
      parseAmount(value, currency);
    }
    return map ?? {};
  };
  const run = checked(sources.runMinimums);
  if (sources.runMinimum !== undefined) return { thresholds: { ...run }, otherwise: sources.runMinimum };
  const configured = checked(sources.configuredMinimums);
  if (sources.configuredMinimum !== undefined) {
    return { thresholds: { ...configured, ...run }, otherwise: sources.configuredMinimum };
  }
  return { thresholds: { ...DEFAULT_PAYOUT_MINIMUMS, ...configured, ...run }, otherwise: FALLBACK_PAYOUT_MINIMUM };
}

/** `PAYOUT_MINIMUMS` ("EUR=40.00,JPY=6000") as a map; empty or absent is no entry. @throws InvalidDecimalError */
export function parsePayoutMinimums(value: string | undefined): Record<string, string> {
  const map: Record<string, string> = {};
  for (const part of (value ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const [currency = '', amount = ''] = part.split('=').map((p) => p.trim());
    if (!isCurrencyCode(currency.toUpperCase())) throw new InvalidDecimalError(part, 'expected CUR=amount with an ISO 4217 code');
    map[currency.toUpperCase()] = amount;
  }
  return map;
}
