import { formatAmount, parseAmount } from './currency.js';

/**
 * A stored amount (NUMERIC(13,3) text such as "10.000") as the platform shows it, with exactly its
 * currency's decimals: ("10.000", "USD") -> "10.00", ("5000.000", "JPY") -> "5000". Null stays null.
 *
 * @throws InvalidDecimalError when the value has more decimals than the currency (a corrupt row)
 */
export function amountText(value: string, currency: string): string;
export function amountText(value: string | null, currency: string): string | null;
export function amountText(value: string | null, currency: string): string | null {
  return value === null ? null : formatAmount(parseAmount(value, currency), currency);
}
