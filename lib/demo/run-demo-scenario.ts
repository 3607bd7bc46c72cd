/**
 * The demo scenario: a vendor, a tiered USD campaign with a commission rule, three partners with
 * links, a few hundred clicks (shoppers, repeat visitors, crawlers, HEAD previews), signed Stripe
 * and Shopify webhooks (sales naming the shoppers' click ids, a duplicate delivery of each, a
 * partial refund as Stripe sends it today: `refund.created` and a list-less `charge.refunded`),
 * conversions through the API, a campaign edit between clicks and their sales, a EUR campaign
 * (a sale through the API) and a JPY campaign (a Stripe checkout in yen), a EUR payment on a USD
 * click (kept without commission: amounts are never converted), approvals, a payout run
 * paid by wire (one payout per partner and currency), and the reconciliation per currency, all
 * through HTTP as a vendor, partners, a shop and the operator would do it. Everything it reports
 * is read back through the API.
 *
 * Used by `npm run demo` (bin/demo.ts) against a running `npm start`, and by
 * test/integration/end-to-end.test.ts against an in-process platform. Names are unique per run,
 * so it can run again on the same data directory and still report only on its own vendor.
 *
 * The acts, in order: set-up-demo-program.ts, the clicks and the campaign edit (here),
 * send-demo-sales.ts, approvals and payouts (here), read-demo-results.ts, check-demo-report.ts.
 */
import { randomBytes } from 'node:crypto';
import { formatMoney, parseMoney } from '../../functions/domain/money/index.js';
import { checkDemoReport } from './check-demo-report.js';
import { DemoStepError, type DemoHttp } from './demo-http.js';
import type { DemoReport } from './demo-report.js';
import { extraVisitors } from './demo-sales.js';
import { planDemoTraffic, summariseTraffic } from './plan-demo-traffic.js';
import { playVisitor } from './play-visitor.js';
import { readDemoResults } from './read-demo-results.js';
import { runWithConcurrency } from './run-with-concurrency.js';
import { sendDemoSales } from './send-demo-sales.js';
import { setUpDemoProgram } from './set-up-demo-program.js';
import { readQueueSnapshot, waitForQueues } from './wait-for-queues.js';
import { waitUntilReady } from './wait-until-ready.js';

export interface RunDemoScenarioOptions {
  http: DemoHttp;
  adminToken: string;
  /** Progress lines (stderr in the CLI, silent in tests). */
  progress?: (line: string) => void;
  /** Requests in flight while clicking. Default 16. */
  concurrency?: number;
  /** Longest wait for the queues after each step. Default 60 s. */
  settleTimeoutMs?: number;
}

/** A stored decimal ("5", "300.5") as money ("5.00", "300.50"). */
const dollars = (value: string | undefined) => (value === undefined ? '?' : formatMoney(parseMoney(value)));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runDemoScenario(options: RunDemoScenarioOptions): Promise<DemoReport> {
  const startedAt = Date.now();
  const { http, adminToken } = options;
  const say = options.progress ?? (() => {});
  const progress = (line: string) => say(`${((Date.now() - startedAt) / 1000).toFixed(1).padStart(5)} s  ${line}`);
  const settleTimeoutMs = options.settleTimeoutMs ?? 60_000;
  const runId = `${startedAt.toString(36).slice(-5)}${randomBytes(2).toString('hex')}`;
  const periodStart = new Date(startedAt).toISOString();

  await waitUntilReady({ http, timeoutMs: 120_000 });

  // --- The operator onboards a vendor; the vendor sets up its program. -------------------------
  progress(`run ${runId}: vendor, campaign, rule, partners, links, integrations`);
  const program = await setUpDemoProgram({ http, adminToken, runId });
  const { vendorKey, campaign, rule, partners, codes } = program;
  const [eurCampaign, jpyCampaign] = program.otherCampaigns;

  // --- Shoppers, repeat visitors, crawlers and previews click. --------------------------------
  const plan = planDemoTraffic();
  const extra = extraVisitors(plan.visitors.length);
  const beforeEdit = [...plan.visitors, extra['eur-sale'], extra['jpy-sale']];
  const visitors = [...beforeEdit, extra['after-edit']];
  const expected = summariseTraffic(visitors, codes.length);
  progress(`${expected.fired - 1} requests through the redirect`);
  let snapshot = await readQueueSnapshot(http);
  const observed = await runWithConcurrency(beforeEdit, options.concurrency ?? 16, (visitor) => playVisitor(http, visitor, codes));
  snapshot = await waitForQueues({ http, step: 'click ingestion', baseline: snapshot, minimumSucceeded: { clicks: new Set(observed.flat().map((o) => o.clickId).filter((id) => id !== null)).size }, timeoutMs: settleTimeoutMs });

  // --- After those clicks the vendor raises Silver to 20 %: a new version of the campaign. ----
  // Sales on the clicks above stay on the clicked version's 15 %; a click after the edit gets 20 %.
  progress('the vendor raises the Silver tier: campaign version 2');
  const edited = await http.json<{ campaign_version_id: number; version_number: number }>({
    step: 'edit the campaign',
    method: 'PATCH',
    path: `/v1/campaigns/${campaign.campaign_id}`,
    token: vendorKey,
    expect: 200,
    body: {
      tiers: [
        { label: 'Bronze', min_amount: '0.00', max_amount: '500.00', reward_type: 'percentage', reward_value: '10.00' },
        { label: 'Silver', min_amount: '500.00', max_amount: '5000.00', reward_type: 'percentage', reward_value: '20.00' },
      ],
    },
  });
  if (edited.campaign_version_id === campaign.campaign_version_id) throw new DemoStepError('edit the campaign: no new version was made');
  observed.push(await playVisitor(http, extra['after-edit'], codes));
  const clickIds = new Set<string>();
  const filtered = { bots: 0, head: 0, repeats: 0 };
  const buyerClick = new Map<string, string>();
  visitors.forEach((visitor, v) => {
    const seen = new Set<string>();
    observed[v]!.forEach((step, s) => {
      if (step.clickId === null) {
        if (visitor.steps[s]!.method === 'HEAD') filtered.head += 1;
        else filtered.bots += 1;
      } else if (seen.has(step.clickId)) filtered.repeats += 1;
      else {
        seen.add(step.clickId);
        clickIds.add(step.clickId);
      }
    });
    const last = observed[v]![observed[v]!.length - 1];
    if (last?.clickId) buyerClick.set(visitor.name, last.clickId);
  });
  progress(`${clickIds.size} click ids handed out; waiting for the clicks queue`);
  snapshot = await waitForQueues({ http, step: 'click ingestion after the edit', baseline: snapshot, minimumSucceeded: { clicks: 1 }, timeoutMs: settleTimeoutMs });

  // --- The shop reports sales: signed webhooks in waves, then the conversion API. --------------
  const sent = await sendDemoSales({ http, runId, startedAt, vendorKey, integrations: program.integrations, buyerClick, snapshot, settleTimeoutMs, progress });
  const { deliveries } = sent;
  snapshot = sent.snapshot;

  // --- The operator approves and pays. -------------------------------------------------------
  progress('approvals, payment methods, payout run, wire payouts');
  await http.json({ step: 'run approve-conversions', method: 'POST', path: '/v1/admin/jobs/approve-conversions', token: adminToken, body: {}, expect: 200 });
  // Alice and Bob are paid by wire to a verified account; Carol has not given one yet.
  for (const partner of partners.slice(0, 2)) {
    const method = await http.json<{ partner_payment_method_id: number }>({
      step: `${partner.name} adds a wire account`,
      method: 'POST',
      path: '/v1/partner/payment-methods',
      token: partner.apiKey,
      body: { payment_provider: 'wire', account_details: { iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', account_holder: partner.name }, is_default: true },
    });
    await http.json({
      step: `verify ${partner.name}'s wire account`,
      method: 'POST',
      path: `/v1/admin/payment-methods/${method.partner_payment_method_id}/verify`,
      token: adminToken,
      expect: 200,
    });
  }
  // The period starts when this run did and ends now: unique to the run, and nothing in it is in the future.
  // One payout per partner and currency; ¥500 is below JPY's default threshold (¥5000), so the run names its own.
  await sleep(20);
  const run = await http.json<{ result: DemoReport['payoutRun'] & { created: Array<{ payout_id: number; partner_id: number; currency: string }> } }>({
    step: 'run the payout job',
    method: 'POST',
    path: '/v1/admin/jobs/payouts',
    token: adminToken,
    body: { start_date: periodStart, end_date: new Date().toISOString(), minimum: '10.00', minimums: { JPY: '500' } },
    expect: 200,
  });
  const ownIds = new Set(partners.map((p) => p.partner_id));
  for (const created of run.result.created.filter((c) => ownIds.has(c.partner_id))) {
    const approved = await http.json<{ status: string }>({ step: `approve payout ${created.payout_id}`, method: 'POST', path: `/v1/admin/payouts/${created.payout_id}/approve`, token: adminToken, expect: 200 });
    if (approved.status === 'processing') {
      // Wire: the operator made the transfer and confirms it.
      await http.json({ step: `confirm payout ${created.payout_id}`, method: 'POST', path: `/v1/admin/payouts/${created.payout_id}/confirm`, token: adminToken, expect: 200 });
    }
  }
  snapshot = await waitForQueues({ http, step: 'notifications', baseline: snapshot, quietMs: 300, timeoutMs: settleTimeoutMs });
  // --- The report, read back through the API. -------------------------------------------------
  progress('reading the report back');
  const results = await readDemoResults({
    http,
    vendorKey,
    adminToken,
    partners,
    campaignIds: [campaign.campaign_id, eurCampaign.campaign_id, jpyCampaign.campaign_id],
    attributionModel: campaign.attribution_model,
  });
  const terms = await http.json<{ campaign_version_id: number; tiers: Array<{ label: string; min_amount: string; max_amount: string; reward_value: string }> }>({
    step: 'read the campaign',
    method: 'GET',
    path: `/v1/campaigns/${campaign.campaign_id}`,
    token: vendorKey,
  });

  const { partnerTotals, conversions, attribution, payouts, unattributed, reconciliation } = results;
  const counted = partnerTotals.reduce((n, p) => n + p.total_clicks, 0);
  const tierText = (tiers: typeof terms.tiers) => tiers.map((t) => `${t.label} ${t.reward_value} % from $${t.min_amount}`).join(', ');
  const report: DemoReport = {
    runId,
    baseUrl: http.baseUrl,
    vendor: program.vendor,
    campaign: {
      campaign_id: campaign.campaign_id,
      campaign_version_id: campaign.campaign_version_id,
      name: campaign.name,
      attribution_model: campaign.attribution_model,
      tiers: `tiers by the partner's revenue this month: ${tierText(terms.tiers)}`,
      rule: `rule #${rule.commission_rule_id} "${rule.name}": +$${dollars(rule.actions.bonus_flat)} on sales of $${dollars(rule.conditions.min_event_value)} or more`,
    },
    edit: {
      from_version_id: campaign.campaign_version_id,
      to_version_id: terms.campaign_version_id,
      version_number: edited.version_number,
      change: `Silver ${terms.tiers.find((t) => t.label === 'Silver')?.reward_value ?? '?'} % (was 15.00 %)`,
    },
    otherCampaigns: program.otherCampaigns,
    partners: partners.map(({ apiKey: _key, ...p }) => p),
    clicks: { expected, fired: observed.reduce((n, o) => n + o.length, 0), clickIds: clickIds.size, handedOut: [...clickIds], filtered, counted },
    deliveries,
    unattributed: unattributed.data.map((u) => ({ transaction_id: u.transaction_id, currency: u.currency, event_value: u.event_value, reason: u.reason, refusal: u.refusal })),
    integrations: {
      stripe: program.integrations.stripe.integration_id,
      shopify: program.integrations.shopify.integration_id,
      stripeJpy: program.integrations.stripeJpy.integration_id,
    },
    partnerTotals,
    conversions,
    attribution,
    payoutRun: {
      start_date: run.result.start_date,
      end_date: run.result.end_date,
      minimum: run.result.minimum,
      thresholds: run.result.thresholds,
      skipped: run.result.skipped.filter((s) => ownIds.has(s.partner_id)),
    },
    payouts,
    reconciliation: { balanced: reconciliation.balanced, violations: reconciliation.violations.length, money: reconciliation.money },
    checks: [],
    elapsedMs: 0,
  };
  report.checks = checkDemoReport(report);
  report.elapsedMs = Date.now() - startedAt;
  return report;
}
