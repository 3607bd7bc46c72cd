/**
 * The demo's scenario (lib/demo/run-demo-scenario.ts, the code `npm run demo` runs) against the
 * whole local platform in this process: HTTP gateway, redirect, dynalite, local-aws-sqs and the
 * queue pollers, the webhook and management Lambdas, attribute-conversions, PGlite. Everything
 * goes through HTTP; the report's numbers are asserted exactly, then a few are checked again
 * straight in SQL (each click, conversion and delivery exactly once).
 *
 * The expected amounts (USD campaign: Bronze 10 % below $500.00 of the partner's revenue this
 * month, Silver 15 % from there, +$5.00 on sales of $300.00 or more, linear attribution; after the
 * shoppers clicked, the vendor raises Silver to 20 %: version 2):
 *   stripe  $120.00  Alice then Bob, Bob owns (latest touch)  Bronze 12.00 -> 6.00 + 6.00
 *   stripe  $400.00  Alice                                   Bronze 40.00 + 5.00 = 45.00
 *   stripe   $80.00  Carol, $30.00 refunded                  Bronze 8.00 -> 5.00 on $50.00
 *   shopify $250.00  Carol then Bob, Bob owns ($120 so far)  Bronze 25.00 -> 12.50 + 12.50
 *   shopify $600.00  Alice ($400.00 so far)                  Bronze 60.00 + 5.00 = 65.00
 *   api     $150.00  Alice ($1,000.00 so far), clicked on v1 Silver 15 % = 22.50 (not 30.00)
 *   api     $100.00  Alice ($1,150.00 so far), clicked on v2 Silver 20 % = 20.00
 * Alice 6.00 + 45.00 + 65.00 + 22.50 + 20.00 = 158.50; Bob 6.00 + 12.50 = 18.50; Carol 5.00 + 12.50 = 17.50.
 * EUR campaign (10 %, Alice): api EUR 180.00 -> 18.00. JPY campaign (10 %, Bob, its own Stripe
 * integration): a checkout of `amount_total: 5000`, `currency: 'jpy'` is ¥5000 (zero-decimal) -> ¥500.
 * The refund arrives twice in today's Stripe shapes (`refund.created` and a list-less
 * `charge.refunded` with `amount_refunded`): $30.00 is taken once. A EUR 45.00 payment on Carol's
 * USD click earns nothing and is kept as unattributed `currency_mismatch`.
 *
 * Tiers count the partner's revenue in the current UTC month: a run that straddles midnight at
 * the end of a month would see other tiers (and fail); that is minutes a month.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoHttp } from '../../lib/demo/demo-http.js';
import { formatDemoReport } from '../../lib/demo/print-demo-report.js';
import { runDemoScenario } from '../../lib/demo/run-demo-scenario.js';
import { silentLog } from '../../lib/local/local-log.js';
import { startLocalPlatform, type LocalPlatform } from '../../lib/local/start-local-platform.js';
import { reportFigures } from '../support/report-figures.js';

describe('end to end: the demo scenario on the local platform', () => {
  let platform: LocalPlatform;
  let dataDir: string;
  let startMs = 0;

  beforeAll(async () => {
    const startedAt = performance.now();
    dataDir = await mkdtemp(join(tmpdir(), 'end-to-end-'));
    platform = await startLocalPlatform({ port: 0, dataDir, tickerEnabled: false, log: silentLog, retryDelaySeconds: 0 });
    startMs = performance.now() - startedAt;
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('counts clicks, attributes and pays exactly, and the books balance', async () => {
    const report = await runDemoScenario({ http: createDemoHttp({ baseUrl: platform.url }), adminToken: platform.adminToken });
    reportFigures(`[figures] end-to-end: platform start ${(startMs / 1000).toFixed(1)} s, scenario ${(report.elapsedMs / 1000).toFixed(1)} s (${report.clicks.fired} redirects, ${report.conversions.length} conversions)`);
    const text = formatDemoReport(report);
    expect(report.checks.filter((c) => !c.ok), text).toEqual([]);

    const [alice, bob, carol] = report.partners.map((p) => p.partner_id) as [number, number, number];

    // Clicks: 6 buyers (8 clicks) + 176 shoppers + the EUR, JPY and after-edit buyers counted; 40 bots, 15 HEAD, 62 repeats filtered.
    expect(report.clicks).toMatchObject({ fired: 304, counted: 187, clickIds: 187, filtered: { bots: 40, head: 15, repeats: 62 } });
    const [usd, eur, jpy] = [report.campaign.campaign_id, report.otherCampaigns[0]!.campaign_id, report.otherCampaigns[1]!.campaign_id];
    expect(report.otherCampaigns.map((c) => [c.currency, c.terms, c.partner_id])).toEqual([
      ['EUR', '10.00 % of each sale', alice],
      ['JPY', '10.00 % of each sale', bob],
    ]);
    // One enrollment row per partner and campaign, each in its campaign's currency.
    expect(report.partnerTotals.map((p) => [p.partner_id, p.campaign_id, p.currency, p.total_clicks, p.total_conversions, p.total_revenue, p.total_commission_earned])).toEqual([
      [alice, usd, 'USD', 89, 5, '1310.00', '158.50'],
      [alice, eur, 'EUR', 1, 1, '180.00', '18.00'],
      [bob, usd, 'USD', 58, 2, '185.00', '18.50'],
      [bob, jpy, 'JPY', 1, 1, '5000', '500'],
      [carol, usd, 'USD', 38, 2, '175.00', '17.50'],
    ]);
    // Stripe: 3 USD sales + 1 duplicate + refund.created + charge.refunded, 1 JPY sale.
    expect(report.deliveries).toEqual({ stripe: 7, shopify: 3, api: 4, duplicates: 2, refunds: 2, enqueued: 14 });
    // The EUR payment on Carol's USD click earns nothing and is kept where the vendor reads it.
    expect(report.unattributed).toEqual([
      {
        transaction_id: `order-${report.runId}-eur-on-usd`,
        currency: 'EUR',
        event_value: '45.00',
        reason: 'currency_mismatch',
        refusal: `The sale is in EUR but campaign ${report.campaign.campaign_id} prices in USD: no commission (amounts are never converted).`,
      },
    ]);

    // The edit: a new version; the campaign reads Silver 20 %.
    const [v1, v2] = [report.edit.from_version_id, report.edit.to_version_id];
    expect(v2).toBeGreaterThan(v1);
    expect(report.edit).toMatchObject({ version_number: 2, change: 'Silver 20.00 % (was 15.00 %)' });
    expect(report.campaign.tiers).toContain('Silver 20.00 % from $500.00');

    // One conversion per sale, in the order they were sent (the waves settle one by one). The
    // sales on clicks before the edit are priced on version 1 (api-sale: Silver 15 %), the one
    // clicked after it on version 2 (Silver 20 %).
    expect(
      report.conversions.map((c) => [c.source, c.partner_id, c.campaign_version_id, c.currency, c.event_value, c.refunded_amount, c.commission_amount, c.shares, c.status]),
    ).toEqual([
      ['stripe', bob, v1, 'USD', '120.00', '0.00', '12.00', { [alice]: '6.00', [bob]: '6.00' }, 'paid'],
      ['stripe', alice, v1, 'USD', '400.00', '0.00', '45.00', { [alice]: '45.00' }, 'paid'],
      ['stripe', carol, v1, 'USD', '80.00', '30.00', '5.00', { [carol]: '5.00' }, 'approved'],
      ['stripe', bob, expect.any(Number), 'JPY', '5000', '0', '500', { [bob]: '500' }, 'paid'],
      ['shopify', bob, v1, 'USD', '250.00', '0.00', '25.00', { [bob]: '12.50', [carol]: '12.50' }, 'approved'],
      ['shopify', alice, v1, 'USD', '600.00', '0.00', '65.00', { [alice]: '65.00' }, 'paid'],
      ['api', alice, v1, 'USD', '150.00', '0.00', '22.50', { [alice]: '22.50' }, 'paid'],
      ['api', alice, v2, 'USD', '100.00', '0.00', '20.00', { [alice]: '20.00' }, 'paid'],
      ['api', alice, expect.any(Number), 'EUR', '180.00', '0.00', '18.00', { [alice]: '18.00' }, 'paid'],
    ]);
    expect(report.conversions.map((c) => c.campaign_id)).toEqual([usd, usd, usd, jpy, usd, usd, usd, usd, eur]);

    // Per partner, currency and model: first click moves the USD journeys to Alice and Carol, last click to Bob.
    const byModel = Object.fromEntries(report.attribution.partners.map((p) => [`${p.partner_id}/${p.currency}`, p]));
    expect(report.attribution.model).toBe('linear');
    expect(byModel[`${alice}/USD`]).toMatchObject({ actual: '158.50', first_click: '164.50', last_click: '152.50', linear: '158.50', time_decay: '158.50', position_based: '158.50' });
    expect(byModel[`${bob}/USD`]).toMatchObject({ actual: '18.50', first_click: '0.00', last_click: '37.00', linear: '18.50', time_decay: '18.50', position_based: '18.50' });
    expect(byModel[`${carol}/USD`]).toMatchObject({ actual: '17.50', first_click: '30.00', last_click: '5.00', linear: '17.50', time_decay: '17.50', position_based: '17.50' });
    expect(byModel[`${alice}/EUR`]).toMatchObject({ actual: '18.00', first_click: '18.00', last_click: '18.00', linear: '18.00' });
    expect(byModel[`${bob}/JPY`]).toMatchObject({ actual: '500', first_click: '500', last_click: '500', linear: '500' });
    expect(report.attribution.totals.map((t) => [t.currency, t.actual, t.first_click, t.last_click, t.linear])).toEqual([
      ['USD', '194.50', '194.50', '194.50', '194.50'],
      ['EUR', '18.00', '18.00', '18.00', '18.00'],
      ['JPY', '500', '500', '500', '500'],
    ]);

    // One payout per partner and currency, by wire; ¥500 passes the run's JPY threshold; Carol has no verified account.
    expect(report.payoutRun.thresholds).toMatchObject({ JPY: '500' });
    expect(report.payouts.map((p) => [p.partner_id, p.currency, p.amount, p.provider, p.status, p.conversions])).toEqual([
      [alice, 'EUR', '18.00', 'wire', 'completed', 1],
      [alice, 'USD', '158.50', 'wire', 'completed', 5],
      [bob, 'JPY', '500', 'wire', 'completed', 1],
      [bob, 'USD', '18.50', 'wire', 'completed', 2],
    ]);
    expect(report.payoutRun.skipped).toEqual([
      { partner_id: carol, currency: 'USD', reason: 'no_verified_default_method', amount: '17.50', minimum: '10.00' },
    ]);
    expect(report.reconciliation).toMatchObject({ balanced: true, violations: 0 });
    // The platform's books (this data directory holds only this run): Carol's 17.50 is earned, not paid.
    expect(report.reconciliation.money.map((m) => [m.currency, m.earned, m.paid_out, m.in_payouts, m.open_adjustments])).toEqual([
      ['EUR', '18.00', '18.00', '0.00', '0.00'],
      ['JPY', '500', '500', '0', '0'],
      ['USD', '194.50', '177.00', '0.00', '0.00'],
    ]);

    // Straight from PostgreSQL: every click id the redirect handed out is one row, and nothing else.
    const sql = platform.deps.sql;
    const vendor = report.vendor.vendor_id;
    const clicks = await sql.query<{ click_uuid: string }>(`SELECT click_uuid::text AS click_uuid FROM clicks WHERE vendor_id = :v::integer`, { v: vendor });
    expect(clicks.rows.map((r) => r.click_uuid).sort()).toEqual([...report.clicks.handedOut].sort());

    const conversions = await sql.query<{ source: string; transaction_id: string; currency: string; campaign_version_id: number; commission_amount: string; touch_sum: string; touches: number }>(
      `SELECT ce.source, ce.transaction_id, ce.currency, ce.campaign_version_id, ce.commission_amount::text AS commission_amount,
              (SELECT COALESCE(SUM(t.touch_value), 0)::text FROM touches t WHERE t.conversion_event_id = ce.conversion_event_id) AS touch_sum,
              (SELECT COUNT(*)::integer FROM touches t WHERE t.conversion_event_id = ce.conversion_event_id) AS touches
       FROM conversion_events ce WHERE ce.vendor_id = :v::integer ORDER BY ce.conversion_event_id`,
      { v: vendor },
    );
    expect(conversions.rows).toHaveLength(9);
    expect(new Set(conversions.rows.map((r) => `${r.source}:${r.transaction_id}`)).size).toBe(9);
    expect(conversions.rows.map((r) => [r.currency, r.commission_amount, r.touch_sum, r.touches])).toEqual([
      ['USD', '12.000', '12.000', 2],
      ['USD', '45.000', '45.000', 1],
      ['USD', '5.000', '5.000', 1],
      ['JPY', '500.000', '500.000', 1],
      ['USD', '25.000', '25.000', 2],
      ['USD', '65.000', '65.000', 1],
      ['USD', '22.500', '22.500', 1],
      ['USD', '20.000', '20.000', 1],
      ['EUR', '18.000', '18.000', 1],
    ]);
    // The edited campaign has two versions: seven sales on the first, the after-edit one on the second.
    const versions = await sql.query<{ campaign_version_id: number; version_number: number; silver: string }>(
      `SELECT cv.campaign_version_id, cv.version_number,
              (SELECT ct.reward_value::text FROM campaign_tiers ct WHERE ct.campaign_version_id = cv.campaign_version_id AND ct.label = 'Silver') AS silver
       FROM campaign_versions cv WHERE cv.campaign_id = :c::integer ORDER BY cv.version_number`,
      { c: usd },
    );
    expect(versions.rows).toEqual([
      { campaign_version_id: v1, version_number: 1, silver: '15.000' },
      { campaign_version_id: v2, version_number: 2, silver: '20.000' },
    ]);
    expect(conversions.rows.filter((r) => r.currency === 'USD').map((r) => r.campaign_version_id)).toEqual([v1, v1, v1, v1, v1, v1, v2]);
    const snapshots = await sql.query<{ n: number }>(
      `SELECT COUNT(*)::integer AS n FROM event_commission_snapshots s JOIN conversion_events ce USING (conversion_event_id) WHERE ce.vendor_id = :v::integer`,
      { v: vendor },
    );
    expect(snapshots.rows[0]!.n).toBe(9);

    // Each delivery once, duplicates not: 3 Stripe sales + refund.created + charge.refunded, 2 Shopify orders, 1 JPY Stripe sale.
    const deliveries = await sql.query<{ integration_id: number; n: number }>(
      `SELECT integration_id, COUNT(*)::integer AS n FROM webhook_deliveries WHERE integration_id IN (:s::integer, :h::integer, :j::integer) GROUP BY integration_id ORDER BY integration_id`,
      { s: report.integrations.stripe, h: report.integrations.shopify, j: report.integrations.stripeJpy },
    );
    expect(deliveries.rows).toEqual([
      { integration_id: report.integrations.stripe, n: 5 },
      { integration_id: report.integrations.shopify, n: 2 },
      { integration_id: report.integrations.stripeJpy, n: 1 },
    ]);

    // The refund's two events are both on the sale's ledger (the Refund under its re_ id, the
    // charge's running total under the charge), and the $30.00 counts once; the only sale kept
    // unattributed is the EUR one on a USD click.
    const ledgers = await sql.query<{ event_type: string; transaction_id: string; payload: { refunds?: Array<{ event_id: string; amount: string | null }> } }>(
      `SELECT event_type, transaction_id, payload FROM unattributed_conversions WHERE vendor_id = :v::integer ORDER BY unattributed_conversion_id`,
      { v: vendor },
    );
    expect(ledgers.rows.map((r) => [r.event_type, r.transaction_id, r.payload.refunds?.map((e) => [e.event_id, e.amount]).sort()])).toEqual([
      [
        'refund',
        `pi_${report.runId}_stripe_refunded`,
        [
          [`amount_refunded:ch_${report.runId}_refunded`, '30.000'],
          [`re_${report.runId}_refunded`, '30.000'],
        ],
      ],
      ['sale', `order-${report.runId}-eur-on-usd`, undefined],
    ]);

    const payouts = await sql.query<{ partner_id: number; currency: string; amount: string; events: string; status: string }>(
      `SELECT p.partner_id, p.currency, p.amount::text AS amount, p.status,
              (SELECT SUM(pe.commission_amount)::text FROM payout_events pe WHERE pe.payout_id = p.payout_id) AS events
       FROM payouts p WHERE p.partner_id IN (:a::integer, :b::integer, :c::integer) ORDER BY p.payout_id`,
      { a: alice, b: bob, c: carol },
    );
    expect(payouts.rows).toEqual([
      { partner_id: alice, currency: 'EUR', amount: '18.000', status: 'completed', events: '18.000' },
      { partner_id: alice, currency: 'USD', amount: '158.500', status: 'completed', events: '158.500' },
      { partner_id: bob, currency: 'JPY', amount: '500.000', status: 'completed', events: '500.000' },
      { partner_id: bob, currency: 'USD', amount: '18.500', status: 'completed', events: '18.500' },
    ]);
  }, 180_000);
});
