import { describe, expect, it } from 'vitest';
import { formatDemoReport, formatTable } from '../../../lib/demo/print-demo-report.js';
import { checkDemoReport, type DemoReport } from '../../../lib/demo/run-demo-scenario.js';

function sampleReport(): DemoReport {
  return {
    runId: 'abc12',
    baseUrl: 'http://127.0.0.1:3000',
    vendor: { vendor_id: 4, name: 'Demo Outdoors abc12' },
    campaign: { campaign_id: 5, campaign_version_id: 6, name: 'Trail runners abc12', attribution_model: 'linear', tiers: 'Bronze 10 %', rule: 'rule #1 "Big basket bonus"' },
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
    deliveries: { stripe: 2, shopify: 0, api: 1, duplicates: 1, refunds: 0, enqueued: 3 },
    integrations: { stripe: 1, shopify: 2 },
    partnerTotals: [
      { partner_id: 1, name: 'Alice Trail Blog', total_clicks: 4, total_conversions: 2, total_revenue: '150.00', total_commission_earned: '12.00' },
      { partner_id: 2, name: 'Bob Runs Reviews', total_clicks: 2, total_conversions: 1, total_revenue: '50.00', total_commission_earned: '3.00' },
    ],
    conversions: [
      { conversion_event_id: 10, source: 'stripe', transaction_id: 'pi_1', partner_id: 2, status: 'paid', event_value: '100.00', refunded_amount: '0.00', commission_amount: '10.00', shares: { 1: '7.00', 2: '3.00' } },
      { conversion_event_id: 11, source: 'api', transaction_id: 'o-1', partner_id: 1, status: 'approved', event_value: '50.00', refunded_amount: '0.00', commission_amount: '5.00', shares: { 1: '5.00' } },
    ],
    attribution: {
      model: 'linear',
      models: ['first_click', 'last_click'],
      partners: [
        { partner_id: 1, name: 'Alice Trail Blog', actual: '12.00', first_click: '15.00', last_click: '5.00' },
        { partner_id: 2, name: 'Bob Runs Reviews', actual: '3.00', first_click: '0.00', last_click: '10.00' },
      ],
      totals: { actual: '15.00', first_click: '15.00', last_click: '15.00' },
    },
    payoutRun: { start_date: '2026-01-01T00:00:00.000Z', end_date: '2026-01-01T00:01:00.000Z', minimum: '10.00', skipped: [{ partner_id: 2, reason: 'below_threshold', amount: '3.00' }] },
    payouts: [{ payout_id: 9, partner_id: 1, amount: '12.00', provider: 'wire', status: 'completed', conversions: 2 }],
    reconciliation: { balanced: true, violations: 0 },
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
    // The checks compare against the scenario's six sales; this sample has two.
    expect(checkDemoReport(report).filter((c) => !c.ok).map((c) => c.name)).toEqual(['one conversion per sale']);
  });

  it('fails on a lost click, a touch that does not add up, a payout not completed, an unbalanced book', () => {
    const report = sampleReport();
    report.clicks.counted = 5;
    report.conversions[0]!.shares = { 1: '7.00', 2: '2.99' };
    report.payouts[0]!.status = 'processing';
    report.reconciliation = { balanced: false, violations: 2 };
    const failed = checkDemoReport(report).filter((c) => !c.ok);
    expect(failed.map((c) => c.name)).toEqual([
      'clicks counted once each',
      'one conversion per sale',
      'touches sum to commissions',
      'payouts completed',
      'reconciliation balanced',
    ]);
    expect(failed[2]!.detail).toBe("commissions 15.00, touches 14.99, partners' earned 15.00");
  });
});

describe('formatDemoReport', () => {
  it('prints clicks, the per-partner table with every model, conversions, payouts and the reconciliation', () => {
    const report = sampleReport();
    report.checks = checkDemoReport(report);
    const text = formatDemoReport(report);
    expect(text).toContain('Clicks: 10 fired, 6 counted, 4 filtered (2 bots, 1 HEAD preview, 1 repeat visit)');
    expect(text).toContain('Sales: 2 Stripe and 0 Shopify webhooks (1 duplicate delivery, 0 refunds), 1 API call -> 2 conversions');
    expect(text).toMatch(/partner +clicks +conv\. +revenue +earned +first click +last click\n/);
    expect(text).toMatch(/Alice Trail Blog +4 +2 +150\.00 +12\.00 +15\.00 +5\.00\n/);
    expect(text).toMatch(/all partners +6 +15\.00 +15\.00 +15\.00\n/);
    expect(text).toMatch(/#10 +stripe +Bob Runs Reviews +100\.00 +0\.00 +10\.00 +Alice 7\.00 \+ Bob 3\.00 +paid\n/);
    expect(text).toContain('payout #9  Alice Trail Blog  $12.00  wire  completed  (2 conversions)');
    expect(text).toContain('skipped   Bob Runs Reviews  $3.00  below threshold');
    expect(text).toContain('Reconciliation: balanced (0 violations)');
    expect(text).toContain('Checks FAILED: one conversion per sale (2 conversions for 6 sales (duplicate deliveries: 1))');
    expect(text).toContain('Finished in 12.3 s');
    expect(text.split('\n').length).toBeLessThan(40);
  });
});
