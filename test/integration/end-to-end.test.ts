/**
 * The demo's scenario (lib/demo/run-demo-scenario.ts, the code `npm run demo` runs) against the
 * whole local platform in this process: HTTP gateway, redirect, dynalite, local-aws-sqs and the
 * queue pollers, the webhook and management Lambdas, attribute-conversions, PGlite. Everything
 * goes through HTTP; the report's numbers are asserted exactly, then a few are checked again
 * straight in SQL (each click, conversion and delivery exactly once).
 *
 * The expected amounts (campaign: Bronze 10 % below $500.00 of the partner's revenue this month,
 * Silver 15 % from there, +$5.00 on sales of $300.00 or more, linear attribution):
 *   stripe  $120.00  Alice then Bob, Bob owns (latest touch)  Bronze 12.00 -> 6.00 + 6.00
 *   stripe  $400.00  Alice                                   Bronze 40.00 + 5.00 = 45.00
 *   stripe   $80.00  Carol, $30.00 refunded                  Bronze 8.00 -> 5.00 on $50.00
 *   shopify $250.00  Carol then Bob, Bob owns ($120 so far)  Bronze 25.00 -> 12.50 + 12.50
 *   shopify $600.00  Alice ($400.00 so far)                  Bronze 60.00 + 5.00 = 65.00
 *   api     $150.00  Alice ($1,000.00 so far)                Silver 22.50
 * Alice 6.00 + 45.00 + 65.00 + 22.50 = 138.50; Bob 6.00 + 12.50 = 18.50; Carol 5.00 + 12.50 = 17.50.
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
    console.log(`[figures] end-to-end: platform start ${(startMs / 1000).toFixed(1)} s, scenario ${(report.elapsedMs / 1000).toFixed(1)} s (${report.clicks.fired} redirects, ${report.conversions.length} conversions)`);
    const text = formatDemoReport(report);
    expect(report.checks.filter((c) => !c.ok), text).toEqual([]);

    const [alice, bob, carol] = report.partners.map((p) => p.partner_id) as [number, number, number];

    // Clicks: 6 buyers (8 clicks) + 176 shoppers counted; 40 bots, 15 HEAD, 62 repeats filtered.
    expect(report.clicks).toMatchObject({ fired: 301, counted: 184, clickIds: 184, filtered: { bots: 40, head: 15, repeats: 62 } });
    expect(report.partnerTotals.map((p) => [p.total_clicks, p.total_conversions, p.total_revenue, p.total_commission_earned])).toEqual([
      [88, 4, '1210.00', '138.50'],
      [58, 2, '185.00', '18.50'],
      [38, 2, '175.00', '17.50'],
    ]);
    expect(report.deliveries).toEqual({ stripe: 5, shopify: 3, api: 1, duplicates: 2, refunds: 1, enqueued: 9 });

    // One conversion per sale, in the order they were sent (the waves settle one by one).
    expect(
      report.conversions.map((c) => [c.source, c.partner_id, c.event_value, c.refunded_amount, c.commission_amount, c.shares, c.status]),
    ).toEqual([
      ['stripe', bob, '120.00', '0.00', '12.00', { [alice]: '6.00', [bob]: '6.00' }, 'paid'],
      ['stripe', alice, '400.00', '0.00', '45.00', { [alice]: '45.00' }, 'paid'],
      ['stripe', carol, '80.00', '30.00', '5.00', { [carol]: '5.00' }, 'approved'],
      ['shopify', bob, '250.00', '0.00', '25.00', { [bob]: '12.50', [carol]: '12.50' }, 'approved'],
      ['shopify', alice, '600.00', '0.00', '65.00', { [alice]: '65.00' }, 'paid'],
      ['api', alice, '150.00', '0.00', '22.50', { [alice]: '22.50' }, 'paid'],
    ]);

    // Per partner and model: first click moves the journeys to Alice and Carol, last click to Bob.
    const byModel = Object.fromEntries(report.attribution.partners.map((p) => [Number(p.partner_id), p]));
    expect(report.attribution.model).toBe('linear');
    expect(byModel[alice]).toMatchObject({ actual: '138.50', first_click: '144.50', last_click: '132.50', linear: '138.50', time_decay: '138.50', position_based: '138.50' });
    expect(byModel[bob]).toMatchObject({ actual: '18.50', first_click: '0.00', last_click: '37.00', linear: '18.50', time_decay: '18.50', position_based: '18.50' });
    expect(byModel[carol]).toMatchObject({ actual: '17.50', first_click: '30.00', last_click: '5.00', linear: '17.50', time_decay: '17.50', position_based: '17.50' });
    expect(report.attribution.totals).toMatchObject({ actual: '174.50', first_click: '174.50', last_click: '174.50', linear: '174.50' });

    // Alice and Bob paid by wire; Carol has no verified account.
    expect(report.payouts.map((p) => [p.partner_id, p.amount, p.provider, p.status, p.conversions])).toEqual([
      [alice, '138.50', 'wire', 'completed', 4],
      [bob, '18.50', 'wire', 'completed', 2],
    ]);
    expect(report.payoutRun.skipped).toEqual([
      { partner_id: carol, currency: 'USD', reason: 'no_verified_default_method', amount: '17.50', minimum: '10.00' },
    ]);
    expect(report.reconciliation).toEqual({ balanced: true, violations: 0 });

    // Straight from PostgreSQL: every click id the redirect handed out is one row, and nothing else.
    const sql = platform.deps.sql;
    const vendor = report.vendor.vendor_id;
    const clicks = await sql.query<{ click_uuid: string }>(`SELECT click_uuid::text AS click_uuid FROM clicks WHERE vendor_id = :v::integer`, { v: vendor });
    expect(clicks.rows.map((r) => r.click_uuid).sort()).toEqual([...report.clicks.handedOut].sort());

    const conversions = await sql.query<{ source: string; transaction_id: string; commission_amount: string; touch_sum: string; touches: number }>(
      `SELECT ce.source, ce.transaction_id, ce.commission_amount::text AS commission_amount,
              (SELECT COALESCE(SUM(t.touch_value), 0)::text FROM touches t WHERE t.conversion_event_id = ce.conversion_event_id) AS touch_sum,
              (SELECT COUNT(*)::integer FROM touches t WHERE t.conversion_event_id = ce.conversion_event_id) AS touches
       FROM conversion_events ce WHERE ce.vendor_id = :v::integer ORDER BY ce.conversion_event_id`,
      { v: vendor },
    );
    expect(conversions.rows).toHaveLength(6);
    expect(new Set(conversions.rows.map((r) => `${r.source}:${r.transaction_id}`)).size).toBe(6);
    expect(conversions.rows.map((r) => [r.commission_amount, r.touch_sum, r.touches])).toEqual([
      ['12.000', '12.000', 2],
      ['45.000', '45.000', 1],
      ['5.000', '5.000', 1],
      ['25.000', '25.000', 2],
      ['65.000', '65.000', 1],
      ['22.500', '22.500', 1],
    ]);
    const snapshots = await sql.query<{ n: number }>(
      `SELECT COUNT(*)::integer AS n FROM event_commission_snapshots s JOIN conversion_events ce USING (conversion_event_id) WHERE ce.vendor_id = :v::integer`,
      { v: vendor },
    );
    expect(snapshots.rows[0]!.n).toBe(6);

    // Each delivery once, duplicates included: 3 Stripe sales + 1 refund, 2 Shopify orders.
    const deliveries = await sql.query<{ provider: string; n: number }>(
      `SELECT provider, COUNT(*)::integer AS n FROM webhook_deliveries WHERE integration_id IN (:s::integer, :h::integer) GROUP BY provider ORDER BY provider`,
      { s: report.integrations.stripe, h: report.integrations.shopify },
    );
    expect(deliveries.rows).toEqual([
      { provider: 'shopify', n: 2 },
      { provider: 'stripe', n: 4 },
    ]);

    // The refund is on the sale's ledger once; no sale went unattributed.
    const ledgers = await sql.query<{ event_type: string; transaction_id: string; payload: { refunds?: Array<{ event_id: string; amount: string | null }> } }>(
      `SELECT event_type, transaction_id, payload FROM unattributed_conversions WHERE vendor_id = :v::integer`,
      { v: vendor },
    );
    expect(ledgers.rows.map((r) => [r.event_type, r.transaction_id, r.payload.refunds?.map((e) => [e.event_id, e.amount])])).toEqual([
      ['refund', `pi_${report.runId}_stripe_refunded`, [[`re_${report.runId}_refunded`, '30.000']]],
    ]);

    const payouts = await sql.query<{ partner_id: number; amount: string; events: string; status: string }>(
      `SELECT p.partner_id, p.amount::text AS amount, p.status,
              (SELECT SUM(pe.commission_amount)::text FROM payout_events pe WHERE pe.payout_id = p.payout_id) AS events
       FROM payouts p WHERE p.partner_id IN (:a::integer, :b::integer, :c::integer) ORDER BY p.payout_id`,
      { a: alice, b: bob, c: carol },
    );
    expect(payouts.rows).toEqual([
      { partner_id: alice, amount: '138.500', status: 'completed', events: '138.500' },
      { partner_id: bob, amount: '18.500', status: 'completed', events: '18.500' },
    ]);
  }, 180_000);
});
