import { formatAmount, parseAmount } from '../../functions/domain/money/currency.js';
import type { DemoReport } from './demo-report.js';
import { demoSales } from './demo-sales.js';

/** Sums of amounts per currency, in minor units. */
function sumByCurrency(entries: Iterable<[currency: string, amount: string | null]>): Map<string, bigint> {
  const sums = new Map<string, bigint>();
  for (const [currency, amount] of entries) sums.set(currency, (sums.get(currency) ?? 0n) + (amount === null ? 0n : parseAmount(amount, currency)));
  return sums;
}

const sumsText = (sums: Map<string, bigint>) =>
  [...sums.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([currency, minor]) => `${formatAmount(minor, currency)} ${currency}`)
    .join(', ') || 'none';

/**
 * What must hold after the scenario, whatever the platform: every click id the redirect handed
 * out is counted once, nothing else is; one conversion per sale whatever the duplicates; in each
 * currency, every conversion's touches sum to its commission and the partners' totals to the
 * same; one payout per partner and currency, each completed and in the currency it pays; the
 * books balance.
 */
export function checkDemoReport(report: DemoReport): Array<{ name: string; ok: boolean; detail: string }> {
  const { clicks } = report;
  const commissions = sumByCurrency(report.conversions.map((c) => [c.currency, c.commission_amount]));
  const shares = sumByCurrency(report.conversions.flatMap((c) => Object.values(c.shares).map((s): [string, string] => [c.currency, s])));
  const earned = sumByCurrency(report.partnerTotals.map((p) => [p.currency, p.total_commission_earned]));
  const currencies = new Set([...commissions.keys(), ...shares.keys(), ...earned.keys()]);
  const touchesAddUp = [...currencies].every((c) => (commissions.get(c) ?? 0n) === (shares.get(c) ?? 0n) && (commissions.get(c) ?? 0n) === (earned.get(c) ?? 0n));
  const expectedConversions = demoSales.length;
  const payoutKeys = report.payouts.map((p) => `${p.partner_id}/${p.currency}`);
  return [
    {
      name: 'clicks counted once each',
      ok: clicks.counted === clicks.clickIds && clicks.counted === clicks.expected.counted,
      detail: `API ${clicks.counted}, click ids handed out ${clicks.clickIds}, planned ${clicks.expected.counted}`,
    },
    {
      name: 'bots, previews and repeats filtered',
      ok: clicks.filtered.bots === clicks.expected.bots && clicks.filtered.head === clicks.expected.head && clicks.filtered.repeats === clicks.expected.repeats,
      detail: `bots ${clicks.filtered.bots}/${clicks.expected.bots}, HEAD ${clicks.filtered.head}/${clicks.expected.head}, repeats ${clicks.filtered.repeats}/${clicks.expected.repeats}`,
    },
    {
      name: 'one conversion per sale',
      ok: report.conversions.length === expectedConversions,
      detail: `${report.conversions.length} conversions for ${expectedConversions} sales (duplicate deliveries: ${report.deliveries.duplicates})`,
    },
    {
      name: 'the sale in another currency kept, not converted',
      ok: report.unattributed.length === 1 && report.unattributed[0]!.reason === 'currency_mismatch' && report.conversions.every((c) => c.transaction_id !== report.unattributed[0]!.transaction_id),
      detail: report.unattributed.map((u) => `${u.transaction_id} ${u.event_value} ${u.currency}: ${u.reason}`).join(', ') || 'none kept',
    },
    {
      name: 'touches sum to commissions, per currency',
      ok: touchesAddUp,
      detail: `commissions ${sumsText(commissions)}; touches ${sumsText(shares)}; partners' earned ${sumsText(earned)}`,
    },
    {
      name: 'one payout per partner and currency, completed',
      ok: report.payouts.length > 0 && report.payouts.every((p) => p.status === 'completed') && new Set(payoutKeys).size === payoutKeys.length,
      detail: report.payouts.map((p) => `#${p.payout_id} ${p.currency} ${p.status}`).join(', ') || 'no payout',
    },
    {
      name: 'reconciliation balanced',
      ok: report.reconciliation.balanced,
      detail: `${report.reconciliation.violations} violations`,
    },
  ];
}
