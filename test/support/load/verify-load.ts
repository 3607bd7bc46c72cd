/**
 * After the load: what PostgreSQL holds must be exactly what the traffic booked. Clicks by
 * click_uuid and conversions by receipt and transaction id, each exactly once, no extras; every
 * conversion with touches on clicks of this run and the campaign's 10 % commission; enrollment
 * totals equal to the rows (recomputed independently and by the platform's own rebuild query).
 */
import { expect } from 'vitest';
import { computeEnrollmentTotals } from '../../../functions/repositories/payouts/totals.js';
import type { SqlExecutor } from '../../../functions/ports/sql-executor.js';
import type { TrafficResult, LoadLink } from './traffic.js';

/** Commission at `basisPoints` of `cents`, half-up to the cent (the platform's one rounding rule). */
export function commissionCents(cents: bigint, basisPoints: bigint): bigint {
  return (cents * basisPoints + 5_000n) / 10_000n;
}

function centsOf(amount: string | null): bigint {
  if (amount === null) return 0n;
  // USD cents; money columns are NUMERIC(13,3) (0008), so a third decimal may only be a zero.
  const match = /^(-?)(\d+)(?:\.(\d{1,2})0?)?$/.exec(amount);
  if (!match) throw new Error(`not a money amount: ${amount}`);
  const cents = BigInt(match[2]!) * 100n + BigInt((match[3] ?? '0').padEnd(2, '0'));
  return match[1] ? -cents : cents;
}

/** Missing, extra and duplicated keys between what was booked and what the rows hold. */
export function compareKeys(expected: Iterable<string>, actual: readonly string[]) {
  const want = new Set(expected);
  const seen = new Map<string, number>();
  for (const key of actual) seen.set(key, (seen.get(key) ?? 0) + 1);
  const missing = [...want].filter((key) => !seen.has(key));
  const extra = [...seen.keys()].filter((key) => !want.has(key));
  const doubled = [...seen.entries()].filter(([, n]) => n > 1).map(([key]) => key);
  return {
    missing: missing.length,
    extra: extra.length,
    doubled: doubled.length,
    examples: [...missing.slice(0, 3).map((k) => `missing ${k}`), ...extra.slice(0, 3).map((k) => `extra ${k}`), ...doubled.slice(0, 3).map((k) => `doubled ${k}`)],
  };
}

const clean = { missing: 0, extra: 0, doubled: 0, examples: [] };

export interface VerifiedRows {
  clicks: number;
  cookies: number;
  conversions: number;
  touches: number;
  notifications: number;
  enrollments: number;
  multiTouchConversions: number;
}

export async function verifyLoad(input: {
  sql: SqlExecutor;
  vendorId: number;
  links: readonly LoadLink[];
  traffic: TrafficResult;
  commissionBasisPoints: bigint;
}): Promise<VerifiedRows> {
  const { sql, vendorId, links, traffic } = input;

  // Clicks: every click id the redirect counted, once, on the link it was counted for.
  const clickRows = (
    await sql.query<{ id: string; partner_link_id: number; cookie_id: string | null }>(
      `SELECT c.click_uuid::text AS id, c.partner_link_id, c.cookie_id::text AS cookie_id FROM clicks c
       JOIN partner_links pl ON pl.partner_link_id = c.partner_link_id
       JOIN campaign_partners cp ON cp.campaign_partner_id = pl.campaign_partner_id
       JOIN campaign_versions cv ON cv.campaign_version_id = cp.campaign_version_id
       JOIN campaigns ca ON ca.campaign_id = cv.campaign_id
       WHERE ca.vendor_id = :vendor::integer`,
      { vendor: vendorId },
    )
  ).rows;
  expect(compareKeys(traffic.clicks.keys(), clickRows.map((r) => r.id.toLowerCase())), 'clicks in PostgreSQL vs clicks counted').toEqual(clean);
  const wrongLink = clickRows.filter((r) => links[traffic.clicks.get(r.id.toLowerCase())!.link]!.partnerLinkId !== Number(r.partner_link_id));
  expect(wrongLink.length, 'clicks stored on another link').toBe(0);
  const wrongCookie = clickRows.filter((r) => traffic.clicks.get(r.id.toLowerCase())!.cookieId !== r.cookie_id?.toLowerCase());
  expect(wrongCookie.length, 'clicks stored with another cookie than the browser was given').toBe(0);
  // One cookie row per browser (the database is this test's own, so every row is ours).
  const cookieRows = (await sql.query<{ id: string }>(`SELECT cookie_id::text AS id FROM cookies`)).rows;
  const browsers = new Set([...traffic.clicks.values()].map((c) => c.cookieId.toLowerCase()));
  expect(compareKeys(browsers, cookieRows.map((r) => r.id.toLowerCase())), 'cookies in PostgreSQL vs browsers that got one').toEqual(clean);

  // Conversions: every accepted receipt once, with its transaction, value and 10 % commission.
  const conversionRows = (
    await sql.query<{ conversion_event_id: number; receipt_id: string; transaction_id: string; event_value: string | null; commission_amount: string | null; status: string; cookie_id: string | null }>(
      `SELECT conversion_event_id, receipt_id::text AS receipt_id, transaction_id, event_value::text AS event_value, cookie_id::text AS cookie_id,
              commission_amount::text AS commission_amount, status
       FROM conversion_events WHERE vendor_id = :vendor::integer AND is_deleted IS NOT TRUE`,
      { vendor: vendorId },
    )
  ).rows;
  const receipts = [...traffic.conversions.values()].map((c) => c.receiptId.toLowerCase());
  expect(compareKeys(receipts, conversionRows.map((r) => r.receipt_id.toLowerCase())), 'conversions by receipt').toEqual(clean);
  expect(compareKeys(traffic.conversions.keys(), conversionRows.map((r) => r.transaction_id)), 'conversions by transaction id').toEqual(clean);
  const unattributed = await sql.query<{ n: number }>(`SELECT COUNT(*)::integer AS n FROM unattributed_conversions WHERE vendor_id = :vendor::integer`, { vendor: vendorId });
  expect(Number(unattributed.rows[0]!.n), 'conversions left unattributed').toBe(0);
  const wrongAmounts: string[] = [];
  let expectedCommission = 0n;
  let expectedRevenue = 0n;
  for (const row of conversionRows) {
    const booked = traffic.conversions.get(row.transaction_id)!;
    const commission = commissionCents(booked.valueCents, input.commissionBasisPoints);
    expectedCommission += commission;
    expectedRevenue += booked.valueCents;
    // Attribution follows the browser: the click named (or the cookie sent) decides the journey.
    const browser = booked.cookieId ?? traffic.clicks.get(booked.clickId!)!.cookieId;
    if (row.cookie_id?.toLowerCase() !== browser.toLowerCase()) wrongAmounts.push(`${row.transaction_id}: attributed to cookie ${row.cookie_id}, not ${browser}`);
    if (centsOf(row.event_value) !== booked.valueCents || centsOf(row.commission_amount) !== commission || row.status !== 'pending') {
      wrongAmounts.push(`${row.transaction_id}: ${row.event_value} ${row.commission_amount} ${row.status}`);
    }
  }
  expect(wrongAmounts.slice(0, 5), 'conversion value, commission, status or browser').toEqual([]);

  // The vendor is told once per conversion (a deterministic id per receipt), resubmissions included.
  const notices = await sql.query<{ receipt_id: string }>(
    `SELECT payload ->> 'receipt_id' AS receipt_id FROM notification_deliveries
     WHERE vendor_id = :vendor::integer AND event_type = 'conversion.created'`,
    { vendor: vendorId },
  );
  expect(compareKeys(receipts, notices.rows.map((r) => String(r.receipt_id).toLowerCase())), 'conversion.created notifications by receipt').toEqual(clean);

  // Touches: at least one per conversion, each on a click of this run, summing to the commission.
  const touchRows = (
    await sql.query<{ conversion_event_id: number; click_uuid: string | null; touch_value: string | null }>(
      `SELECT t.conversion_event_id, c.click_uuid::text AS click_uuid, t.touch_value::text AS touch_value
       FROM touches t JOIN conversion_events ce ON ce.conversion_event_id = t.conversion_event_id
       LEFT JOIN clicks c ON c.click_id = t.click_id
       WHERE ce.vendor_id = :vendor::integer AND t.is_deleted IS NOT TRUE`,
      { vendor: vendorId },
    )
  ).rows;
  const touchesOf = new Map<number, { count: number; sum: bigint }>();
  const foreignTouches = touchRows.filter((t) => t.click_uuid === null || !traffic.clicks.has(t.click_uuid.toLowerCase()));
  for (const t of touchRows) {
    const entry = touchesOf.get(Number(t.conversion_event_id)) ?? { count: 0, sum: 0n };
    entry.count += 1;
    entry.sum += centsOf(t.touch_value);
    touchesOf.set(Number(t.conversion_event_id), entry);
  }
  const badTouches = conversionRows
    .filter((r) => (touchesOf.get(Number(r.conversion_event_id))?.sum ?? -1n) !== centsOf(r.commission_amount))
    .map((r) => r.transaction_id);
  expect(badTouches.slice(0, 5), 'conversions whose touches do not sum to the commission').toEqual([]);
  expect(foreignTouches.length, 'touches not on a click of this run').toBe(0);

  // Enrollment totals: clicks per link as counted by the redirect; commission and revenue as
  // booked; and every figure equal to the platform's own recomputation from the rows.
  const stored = (
    await sql.query<{ campaign_partner_id: number; total_clicks: number; total_conversions: number; total_revenue: string; total_commission_earned: string }>(
      `SELECT campaign_partner_id, COALESCE(total_clicks, 0)::integer AS total_clicks, COALESCE(total_conversions, 0)::integer AS total_conversions,
              COALESCE(total_revenue, 0)::text AS total_revenue, COALESCE(total_commission_earned, 0)::text AS total_commission_earned
       FROM campaign_partners WHERE campaign_partner_id = ANY(:ids::integer[]) ORDER BY campaign_partner_id`,
      { ids: [...new Set(links.map((l) => l.campaignPartnerId))] },
    )
  ).rows;
  const clicksPerEnrollment = new Map<number, number>();
  for (const click of traffic.clicks.values()) {
    const id = links[click.link]!.campaignPartnerId;
    clicksPerEnrollment.set(id, (clicksPerEnrollment.get(id) ?? 0) + 1);
  }
  expect(
    stored.map((r) => ({ id: Number(r.campaign_partner_id), clicks: Number(r.total_clicks) })),
    'campaign_partners.total_clicks vs clicks counted',
  ).toEqual(stored.map((r) => ({ id: Number(r.campaign_partner_id), clicks: clicksPerEnrollment.get(Number(r.campaign_partner_id)) ?? 0 })));
  const sum = (pick: (r: (typeof stored)[number]) => string) => stored.reduce((total, r) => total + centsOf(pick(r)), 0n);
  expect({ commission: sum((r) => r.total_commission_earned), revenue: sum((r) => r.total_revenue) }, 'total commission and revenue').toEqual({
    commission: expectedCommission,
    revenue: expectedRevenue,
  });
  const recomputed = await computeEnrollmentTotals(sql);
  expect(
    stored.map((r) => ({ id: Number(r.campaign_partner_id), clicks: Number(r.total_clicks), conversions: Number(r.total_conversions), revenue: centsOf(r.total_revenue), commission: centsOf(r.total_commission_earned) })),
    'campaign_partners totals vs the rows',
  ).toEqual(
    stored.map((r) => {
      const c = recomputed.get(Number(r.campaign_partner_id))!;
      return { id: Number(r.campaign_partner_id), clicks: c.clicks, conversions: c.conversions, revenue: c.revenue, commission: c.commission };
    }),
  );
  const conversionsCredited = stored.reduce((total, r) => total + Number(r.total_conversions), 0);
  expect(conversionsCredited, 'every conversion credited to at least one enrollment').toBeGreaterThanOrEqual(conversionRows.length);

  return {
    clicks: clickRows.length,
    cookies: cookieRows.length,
    conversions: conversionRows.length,
    touches: touchRows.length,
    notifications: notices.rows.length,
    enrollments: stored.length,
    multiTouchConversions: [...touchesOf.values()].filter((t) => t.count > 1).length,
  };
}
