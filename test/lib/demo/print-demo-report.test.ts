import { describe, expect, it } from 'vitest';
import { formatDemoReport, formatTable } from '../../../lib/demo/print-demo-report.js';
import { checkDemoReport, type DemoReport } from '../../../lib/demo/run-demo-scenario.js';

/** Two partners; Alice sells in USD and EUR, Bob in USD and JPY. */
function sampleReport(): DemoReport {
  return {
    runId: 'abc12',
    baseUrl: 'http://127.0.0.1:3000',
    vendor: { vendor_id: 4, name: 'Demo Outdoors abc12', email: 'owner+abc12@demo-outdoors.example' },
    campaign: { campaign_id: 5, campaign_version_id: 6, name: 'Trail runners abc12', attribution_model: 'linear', tiers: 'Bronze 10 %', rule: 'rule #1 "Big basket bonus"' },
    edit: { from_version_id: 6, to_version_id: 9, version_number: 2, change: 'Silver 20.00 % (was 15.00 %)' },
    otherCampaigns: [
      { campaign_id: 7, name: 'Trail runners EUR abc12', currency: 'EUR', terms: '10.00 % of each sale', partner_id: 1 },
      { campaign_id: 8, name: 'Trail runners JPY abc12', currency: 'JPY', terms: '10.00 % of each sale', partner_id: 2 },
    ],
    partners: [
      { partner_id: 1, name: 'Alice Trail Blog', short_code: 'aaaaaaaa' },
      { partner_id: 2, name: 'Bob Runs Reviews', short_code: 'bbbbbbbb' },
    ],
    clicks: {
      expected: { fired: 10, counted: 6, bots: 2, head: 1, repeats: 1, countedPerLink: [4, 2] },
      fired: 10,
      clickIds: 6,
      handedOut: [],
      filtered: { bots: 2, head: 1, repeats: 1 },
      counted: 6,
    },
    deliveries: { stripe: 3, shopify: 0, api: 2, duplicates: 1, refunds: 0, enqueued: 4 },
    unattributed: [
      { transaction_id: 'o-3', currency: 'EUR', event_value: '45.00', reason: 'currency_mismatch', refusal: 'The sale is in EUR but campaign 5 prices in USD: no commission (amounts are never converted).' },
    ],
    integrations: { stripe: 1, shopify: 2, stripeJpy: 3 },
    partnerTotals: [
      { partner_id: 1, name: 'Alice Trail Blog', campaign_id: 5, currency: 'USD', total_clicks: 3, total_conversions: 2, total_revenue: '150.00', total_commission_earned: '12.00' },
      { partner_id: 1, name: 'Alice Trail Blog', campaign_id: 7, currency: 'EUR', total_clicks: 1, total_conversions: 1, total_revenue: '80.00', total_commission_earned: '8.00' },
      { partner_id: 2, name: 'Bob Runs Reviews', campaign_id: 5, currency: 'USD', total_clicks: 1, total_conversions: 1, total_revenue: '100.00', total_commission_earned: '3.00' },
      { partner_id: 2, name: 'Bob Runs Reviews', campaign_id: 8, currency: 'JPY', total_clicks: 1, total_conversions: 1, total_revenue: '5000', total_commission_earned: '500' },
    ],
    conversions: [
      { conversion_event_id: 10, source: 'stripe', transaction_id: 'pi_1', partner_id: 2, campaign_id: 5, campaign_version_id: 6, currency: 'USD', status: 'paid', event_value: '100.00', refunded_amount: '0.00', commission_amount: '10.00', shares: { 1: '7.00', 2: '3.00' } },
      { conversion_event_id: 11, source: 'api', transaction_id: 'o-1', partner_id: 1, campaign_id: 5, campaign_version_id: 9, currency: 'USD', status: 'approved', event_value: '50.00', refunded_amount: '0.00', commission_amount: '5.00', shares: { 1: '5.00' } },
      { conversion_event_id: 12, source: 'api', transaction_id: 'o-2', partner_id: 1, campaign_id: 7, campaign_version_id: 7, currency: 'EUR', status: 'paid', event_value: '80.00', refunded_amount: '0.00', commission_amount: '8.00', shares: { 1: '8.00' } },
      { conversion_event_id: 13, source: 'stripe', transaction_id: 'pi_2', partner_id: 2, campaign_id: 8, campaign_version_id: 8, currency: 'JPY', status: 'paid', event_value: '5000', refunded_amount: '0', commission_amount: '500', shares: { 2: '500' } },
    ],
    attribution: {
      model: 'linear',
      models: ['first_click', 'last_click'],
      partners: [
        { partner_id: 1, name: 'Alice Trail Blog', currency: 'USD', actual: '12.00', first_click: '15.00', last_click: '5.00' },
        { partner_id: 2, name: 'Bob Runs Reviews', currency: 'USD', actual: '3.00', first_click: '0.00', last_click: '10.00' },
        { partner_id: 1, name: 'Alice Trail Blog', currency: 'EUR', actual: '8.00', first_click: '8.00', last_click: '8.00' },
        { partner_id: 2, name: 'Bob Runs Reviews', currency: 'JPY', actual: '500', first_click: '500', last_click: '500' },
      ],
      totals: [
        { currency: 'USD', actual: '15.00', first_click: '15.00', last_click: '15.00' },
        { currency: 'EUR', actual: '8.00', first_click: '8.00', last_click: '8.00' },
        { currency: 'JPY', actual: '500', first_click: '500', last_click: '500' },
      ],
    },
    payoutRun: {
      start_date: '2026-01-01T00:00:00.000Z',
      end_date: '2026-01-01T00:01:00.000Z',
      minimum: '10.00',
      thresholds: { JPY: '500' },
      skipped: [{ partner_id: 2, currency: 'USD', reason: 'below_threshold', amount: '3.00', minimum: '10.00' }],
    },
    payouts: [
      { payout_id: 9, partner_id: 1, currency: 'USD', amount: '12.00', provider: 'wire', status: 'completed', conversions: 2 },
      { payout_id: 10, partner_id: 2, currency: 'JPY', amount: '500', provider: 'wire', status: 'completed', conversions: 1 },
    ],
    reconciliation: {
      balanced: true,
      violations: 0,
      money: [
        { currency: 'EUR', earned: '8.00', paid_out: '0.00', in_payouts: '0.00', open_adjustments: '0.00' },
        { currency: 'JPY', earned: '500', paid_out: '500', in_payouts: '0', open_adjustments: '0' },
        { currency: 'USD', earned: '15.00', paid_out: '12.00', in_payouts: '0.00', open_adjustments: '0.00' },
      ],
    },
    checks: [],
    elapsedMs: 12_345,
  };
}

describe('formatTable', () => {
  it('pads columns to the widest cell, numbers to the right', () => {
    expect(formatTable([['name', 'n'], ['Alice', '10'], ['Bo', '7']], [false, true])).toEqual(['name    n', 'Alice  10', 'Bo      7']);
  });
});

describe('checkDemoReport', () => {
  it('passes a consistent report', () => {
    const report = sampleReport();
    // The checks compare against the scenario's nine sales; this sample has four.
    expect(checkDemoReport(report).filter((c) => !c.ok).map((c) => c.name)).toEqual(['one conversion per sale']);
  });

  it('fails on a lost click, a touch that does not add up, a payout not completed, an unbalanced book', () => {
    const report = sampleReport();
    report.clicks.counted = 5;
    report.conversions[0]!.shares = { 1: '7.00', 2: '2.99' };
    report.payouts[0]!.status = 'processing';
    report.reconciliation = { ...report.reconciliation, balanced: false, violations: 2 };
    report.unattributed = [];
    const failed = checkDemoReport(report).filter((c) => !c.ok);
    expect(failed.map((c) => c.name)).toEqual([
      'clicks counted once each',
      'one conversion per sale',
      'the sale in another currency kept, not converted',
      'touches sum to commissions, per currency',
      'one payout per partner and currency, completed',
      'reconciliation balanced',
    ]);
    expect(failed[3]!.detail).toBe("commissions 8.00 EUR, 500 JPY, 15.00 USD; touches 8.00 EUR, 500 JPY, 14.99 USD; partners' earned 8.00 EUR, 500 JPY, 15.00 USD");
  });

  it('never adds two currencies: 5.00 USD missing from the touches is not made up by 5.00 EUR too many', () => {
    const report = sampleReport();
    report.conversions[1]!.shares = { 1: '0.00' };
    report.conversions[2]!.shares = { 1: '13.00' };
    const touches = checkDemoReport(report).find((c) => c.name === 'touches sum to commissions, per currency')!;
    expect(touches.ok).toBe(false);
  });

  it('fails on two payouts for one partner in one currency', () => {
    const report = sampleReport();
    report.payouts.push({ payout_id: 11, partner_id: 1, currency: 'USD', amount: '1.00', provider: 'wire', status: 'completed', conversions: 1 });
    expect(checkDemoReport(report).find((c) => c.name === 'one payout per partner and currency, completed')!.ok).toBe(false);
  });
});

describe('formatDemoReport', () => {
  it('prints clicks, money per partner and currency with every model, conversions, payouts per currency and the books per currency', () => {
    const report = sampleReport();
    report.checks = checkDemoReport(report);
    const text = formatDemoReport(report);
    expect(text).toContain('edited after the first clicks: version 2 (#9, was #6), Silver 20.00 % (was 15.00 %)');
    expect(text).toContain('campaign #8 "Trail runners JPY abc12" in JPY: 10.00 % of each sale, promoted by Bob Runs Reviews');
    expect(text).toContain('Clicks: 10 fired, 6 counted, 4 filtered (2 bots, 1 HEAD preview, 1 repeat visit)');
    expect(text).toContain('Sales: 3 Stripe and 0 Shopify webhooks (1 duplicate delivery, 0 refund events), 2 API calls -> 4 conversions');
    expect(text).toMatch(/partner +cur\. +clicks +conv\. +revenue +earned +first click +last click\n/);
    expect(text).toMatch(/Alice Trail Blog +USD +3 +2 +150\.00 +12\.00 +15\.00 +5\.00\n/);
    expect(text).toMatch(/Alice Trail Blog +EUR +1 +1 +80\.00 +8\.00 +8\.00 +8\.00\n/);
    expect(text).toMatch(/Bob Runs Reviews +JPY +1 +1 +5000 +500 +500 +500\n/);
    expect(text).toMatch(/all partners +EUR +8\.00 +8\.00 +8\.00\n/);
    expect(text).toMatch(/all partners +JPY +500 +500 +500\n/);
    expect(text).toMatch(/all partners +USD +15\.00 +15\.00 +15\.00\n/);
    expect(text).toMatch(/#10 +stripe +Bob Runs Reviews +USD +100\.00 +0\.00 +10\.00 +Alice 7\.00 \+ Bob 3\.00 +#6 +paid\n/);
    expect(text).toMatch(/#13 +stripe +Bob Runs Reviews +JPY +5000 +0 +500 +Bob 500 +#8 +paid\n/);
    expect(text).toContain('one payout per partner and currency (minimum 10.00; JPY 500):');
    expect(text).toMatch(/payout #9 +Alice Trail Blog +12\.00 +USD +wire {2}completed {2}\(2 conversions\)\n/);
    expect(text).toMatch(/payout #10 +Bob Runs Reviews +500 +JPY +wire {2}completed {2}\(1 conversion\)\n/);
    expect(text).toMatch(/skipped +Bob Runs Reviews +3\.00 +USD +below threshold \(minimum 10\.00\)\n/);
    expect(text).toContain(
      'Kept without commission: o-3 45.00 EUR, currency mismatch: The sale is in EUR but campaign 5 prices in USD: no commission (amounts are never converted).',
    );
    expect(text).toContain("Reconciliation: balanced (0 violations); the platform's books per currency:");
    expect(text).toMatch(/JPY +500 +500 +0 +0\n/);
    expect(text).toMatch(/USD +15\.00 +12\.00 +0\.00 +0\.00\n/);
    expect(text).toContain('Checks FAILED: one conversion per sale (4 conversions for 9 sales (duplicate deliveries: 1))');
    expect(text).toContain('Finished in 12.3 s');
    expect(text.split('\n').length).toBeLessThan(50);
  });
});
