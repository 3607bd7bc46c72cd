/**
 * Currencies and their minor units, from ISO 4217 (the `currency-codes` package carries the
 * standard's published list): JPY has 0 decimals, USD 2, KWD 3. Every amount of the platform is
 * an integer count of its currency's minor unit in code, and a decimal string with at most that
 * many places at the edges. Nothing here assumes cents.
 */
import currencyCodes from 'currency-codes';
import { formatScaledDecimal, InvalidDecimalError, parseScaledDecimal } from './decimal.js';

/** The most decimals any amount column holds (NUMERIC(…,3)): three-decimal currencies (KWD, BHD, …) fit. */
export const MAX_CURRENCY_EXPONENT = 3;

/**
 * ISO 4217 codes that are not money a shopper pays with, and whose "digits" the standard gives as
 * N.A.: the ones the published list files under no country (precious metals, bond-market units,
 * the testing and no-currency codes: its "Zz…" entries), and the units of account of three
 * institutions (the IMF's SDR, SUCRE, the African Development Bank's unit).
 */
const institutionalUnits = new Set(['XDR', 'XSU', 'XUA']);
const isNotMoney = (found: { code: string; countries: string[] }) =>
  institutionalUnits.has(found.code) || found.countries.every((country) => country.startsWith('Zz'));

/** A currency code the platform does not know as money (not in ISO 4217, or a unit of account). */
export class UnknownCurrencyError extends Error {
  constructor(readonly currency: unknown) {
    super(`${JSON.stringify(currency)} is not an ISO 4217 currency code the platform accepts`);
    this.name = 'UnknownCurrencyError';
  }
}

function record(code: string) {
  if (!/^[A-Z]{3}$/.test(code)) return undefined;
  const found = currencyCodes.code(code);
  // Units of account with 4 decimals (CLF, UYW) are not prices anyone checks out in.
  if (!found || isNotMoney(found) || found.digits > MAX_CURRENCY_EXPONENT) return undefined;
  return found;
}

/** True for an upper-case ISO 4217 code of a currency people pay in ("USD", "JPY"; not "usd", "XAU"). */
export function isCurrencyCode(code: string): boolean {
  return record(code) !== undefined;
}

/** Decimals of the currency's minor unit (ISO 4217): JPY 0, EUR 2, KWD 3. @throws UnknownCurrencyError */
export function currencyExponent(currency: string): number {
  const found = record(currency);
  if (!found) throw new UnknownCurrencyError(currency);
  return found.digits;
}

/**
 * Parses a decimal amount in `currency` into integer minor units: ("12.30", "USD") -> 1230n,
 * ("5000", "JPY") -> 5000n, ("1.234", "KWD") -> 1234n. Trailing zeros beyond the currency's
 * decimals are accepted (a NUMERIC(…,3) column prints "5000.000"); any other digit there is
 * refused, never rounded.
 *
 * @throws InvalidDecimalError, UnknownCurrencyError
 */
export function parseAmount(decimal: string, currency: string): bigint {
  const exponent = currencyExponent(currency);
  const wide = parseScaledDecimal(decimal, MAX_CURRENCY_EXPONENT);
  const factor = 10n ** BigInt(MAX_CURRENCY_EXPONENT - exponent);
  if (wide % factor !== 0n) {
    throw new InvalidDecimalError(decimal, `${currency} has ${exponent} decimal place${exponent === 1 ? '' : 's'}`);
  }
  return wide / factor;
}

/** Formats integer minor units of `currency` with exactly its decimals: (5000n, "JPY") -> "5000". */
export function formatAmount(minor: bigint, currency: string): string {
  return formatScaledDecimal(minor, currencyExponent(currency));
}

/**
 * A decimal amount of `currency` as an exact fraction of its minor unit, for amounts that may be
 * finer than the currency (a vendor-wide rule's "0.50" read on a JPY campaign is half a yen):
 * `{ num, den }` with num/den minor units. The caller rounds once, at the end.
 *
 * @throws InvalidDecimalError for more than 3 decimals, UnknownCurrencyError
 */
export function exactMinorUnits(decimal: string, currency: string): { num: bigint; den: bigint } {
  return {
    num: parseScaledDecimal(decimal, MAX_CURRENCY_EXPONENT),
    den: 10n ** BigInt(MAX_CURRENCY_EXPONENT - currencyExponent(currency)),
  };
}

/** An amount in its currency's decimals when it fits them ("500" JPY), else with all 3 ("0.500"): never rounded. */
export function amountValueText(decimal: string, currency: string): string {
  const { num, den } = exactMinorUnits(decimal, currency);
  return num % den === 0n ? formatAmount(num / den, currency) : formatScaledDecimal(num, MAX_CURRENCY_EXPONENT);
}

/** The currency as the platform writes it (upper case), or undefined when it is not one it accepts. */
export function normaliseCurrency(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const upper = value.trim().toUpperCase();
  return isCurrencyCode(upper) ? upper : undefined;
}
