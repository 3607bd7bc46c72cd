/**
 * Money reported per currency. Amounts of two currencies are never added: a total over rows of
 * several currencies is a list with one entry per currency, ordered by code.
 */
import { formatAmount } from './currency.js';

/** Revenue and commission of one currency, in its minor units. */
export interface CurrencyMoney {
  currency: string;
  revenue: bigint;
  commission: bigint;
}

/** The rows' revenue and commission summed within each currency, ordered by currency code. */
export function moneyByCurrency(rows: Iterable<CurrencyMoney>): CurrencyMoney[] {
  const totals = new Map<string, CurrencyMoney>();
  for (const row of rows) {
    const total = totals.get(row.currency) ?? { currency: row.currency, revenue: 0n, commission: 0n };
    total.revenue += row.revenue;
    total.commission += row.commission;
    totals.set(row.currency, total);
  }
  return [...totals.values()].sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0));
}

/** As the API shows it: `[{ currency: "JPY", revenue: "5000", commission: "500" }, …]`. */
export function formatMoneyByCurrency(list: readonly CurrencyMoney[]): { currency: string; revenue: string; commission: string }[] {
  return list.map((m) => ({
    currency: m.currency,
    revenue: formatAmount(m.revenue, m.currency),
    commission: formatAmount(m.commission, m.currency),
  }));
}
