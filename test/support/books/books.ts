/**
 * What the fault suites assert after recovery: every message's effect is in PostgreSQL exactly
 * once (clicks by click id, conversions by receipt), each conversion's touches sum to its
 * commission, the enrollment totals equal what the rows say, and the books reconcile.
 */
import { expect } from 'vitest';
import type { SqlExecutor } from '../../../functions/ports/sql-executor.js';
import { computeEnrollmentTotals } from '../../../functions/repositories/payouts/totals.js';
import { formatMoney, parseMoney } from '../../../functions/domain/money/index.js';
import { amountText } from '../../../functions/domain/money/amount-text.js';
import { expectBalanced } from './reconcile.js';

/** Rows per click id, for the given ids (a lost click is 0, a doubled one 2). */
export async function clickRowCounts(sql: SqlExecutor, clickIds: readonly string[]): Promise<Map<string, number>> {
  const result = await sql.query<{ id: string; n: number }>(
    `SELECT click_uuid::text AS id, count(*)::integer AS n FROM clicks WHERE click_uuid = ANY(:ids::uuid[]) GROUP BY click_uuid`,
    { ids: [...clickIds] },
  );
  return new Map(result.rows.map((row) => [row.id, row.n]));
}

export async function expectClicksExactlyOnce(sql: SqlExecutor, clickIds: readonly string[]): Promise<void> {
  const counts = await clickRowCounts(sql, clickIds);
  const lost = clickIds.filter((id) => !counts.has(id));
  const doubled = [...counts].filter(([, n]) => n !== 1);
  expect({ lost: lost.length, doubled: doubled.length }).toEqual({ lost: 0, doubled: 0 });
}

export type ConversionFact = {
  receipt_id: string;
  rows: number;
  event_value: string;
  commission_amount: string;
  touch_sum: string;
  touches: number;
};

/** Per receipt: how many conversion rows, and the (first) row's value, commission and touch sum. */
export async function conversionFacts(sql: SqlExecutor, receiptIds: readonly string[]): Promise<Map<string, ConversionFact>> {
  const result = await sql.query<ConversionFact & { currency: string }>(
    `SELECT ce.receipt_id::text AS receipt_id, count(*) OVER (PARTITION BY ce.receipt_id)::integer AS rows, ce.currency,
            ce.event_value::text AS event_value, ce.commission_amount::text AS commission_amount,
            COALESCE((SELECT sum(t.touch_value) FROM touches t WHERE t.conversion_event_id = ce.conversion_event_id), 0)::text AS touch_sum,
            (SELECT count(*) FROM touches t WHERE t.conversion_event_id = ce.conversion_event_id)::integer AS touches
     FROM conversion_events ce WHERE ce.receipt_id = ANY(:ids::uuid[])`,
    { ids: [...receiptIds] },
  );
  // In the conversion's own currency's decimals (the columns hold 3).
  return new Map(
    result.rows.map(({ currency, ...row }) => [
      row.receipt_id,
      {
        ...row,
        event_value: amountText(row.event_value, currency),
        commission_amount: amountText(row.commission_amount, currency),
        touch_sum: amountText(row.touch_sum, currency),
      },
    ]),
  );
}

/** 10 % of the sale, half-up to the cent: the seeded campaigns' default percentage. */
export function tenPercentOf(value: string): string {
  return formatMoney((parseMoney(value) + 5n) / 10n);
}

/** Each receipt recorded once, commission 10 % of its value, touches summing to the commission. */
export async function expectConversionsExactlyOnce(sql: SqlExecutor, receiptIds: readonly string[]): Promise<Map<string, ConversionFact>> {
  const facts = await conversionFacts(sql, receiptIds);
  const lost = receiptIds.filter((id) => !facts.has(id));
  const doubled = [...facts.values()].filter((fact) => fact.rows !== 1);
  expect({ lost: lost.length, doubled: doubled.length }).toEqual({ lost: 0, doubled: 0 });
  for (const fact of facts.values()) {
    expect(fact.touches, fact.receipt_id).toBeGreaterThan(0);
    expect({ commission: fact.commission_amount, touches: fact.touch_sum }, fact.receipt_id).toEqual({
      commission: tenPercentOf(fact.event_value),
      touches: fact.commission_amount,
    });
  }
  return facts;
}

/** campaign_partners totals equal what clicks, conversions and touches say (no double increment, none lost). */
export async function expectTotalsMatchRows(sql: SqlExecutor, campaignVersionIds: number[]): Promise<void> {
  const computed = await computeEnrollmentTotals(sql, campaignVersionIds);
  const stored = await sql.query<{ campaign_partner_id: number; total_clicks: number; total_conversions: number; total_revenue: string; total_commission_earned: string }>(
    `SELECT campaign_partner_id, COALESCE(total_clicks, 0)::integer AS total_clicks, COALESCE(total_conversions, 0)::integer AS total_conversions,
            COALESCE(total_revenue, 0)::text AS total_revenue, COALESCE(total_commission_earned, 0)::text AS total_commission_earned
     FROM campaign_partners WHERE campaign_version_id = ANY(:versions::integer[]) ORDER BY campaign_partner_id`,
    { versions: campaignVersionIds },
  );
  const expected = stored.rows.map((row) => {
    const c = computed.get(Number(row.campaign_partner_id));
    return {
      campaign_partner_id: row.campaign_partner_id,
      total_clicks: c?.clicks ?? 0,
      total_conversions: c?.conversions ?? 0,
      total_revenue: formatMoney(c?.revenue ?? 0n),
      total_commission_earned: formatMoney(c?.commission ?? 0n),
    };
  });
  const normalised = stored.rows.map((row) => ({
    ...row,
    total_revenue: formatMoney(parseMoney(row.total_revenue)),
    total_commission_earned: formatMoney(parseMoney(row.total_commission_earned)),
  }));
  expect(normalised).toEqual(expected);
}

export { expectBalanced };
