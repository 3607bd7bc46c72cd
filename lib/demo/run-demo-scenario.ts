/**
 * The demo scenario: a vendor, a tiered campaign with a commission rule, three partners with
 * links, a few hundred clicks (shoppers, repeat visitors, crawlers, HEAD previews), signed Stripe
 * and Shopify webhooks (sales naming the shoppers' click ids, a duplicate delivery of each, a
 * partial refund), one conversion through the API, approvals, a payout run paid by wire, and the
 * reconciliation, all through HTTP as a vendor, partners, a shop and the operator would do it.
 * Everything it reports is read back through the API.
 *
 * Used by `npm run demo` (bin/demo.ts) against a running `npm start`, and by
 * test/integration/end-to-end.test.ts against an in-process platform. Names are unique per run,
 * so it can run again on the same data directory and still report only on its own vendor.
 *
 * The sales come in three waves, each settled before the next: a tier depends on the partner's
 * revenue earlier in the month, so the order in which one partner's sales are attributed must not
 * be left to the queue.
 */
import { randomBytes } from 'node:crypto';
import { formatMoney, parseMoney } from '../../functions/domain/money/index.js';
import { DemoStepError, type DemoHttp } from './demo-http.js';
import { buildShopifyOrderPaid, buildStripeChargeRefunded, buildStripeCheckoutCompleted } from './build-provider-events.js';
import { planDemoTraffic, type BuyerName, type PlannedVisitor, type TrafficExpectation } from './plan-demo-traffic.js';
import { runWithConcurrency } from './run-with-concurrency.js';
import { signShopifyPayload } from './sign-shopify-payload.js';
import { signStripePayload } from './sign-stripe-payload.js';
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

export interface DemoPartner {
  partner_id: number;
  name: string;
  short_code: string;
}

export interface DemoPartnerTotals {
  partner_id: number;
  name: string;
  total_clicks: number;
  total_conversions: number;
  total_revenue: string;
  total_commission_earned: string;
}

export interface DemoConversion {
  conversion_event_id: number;
  source: string;
  transaction_id: string | null;
  partner_id: number;
  status: string;
  event_value: string | null;
  refunded_amount: string;
  commission_amount: string | null;
  /** Each credited partner's share (touch values summed per partner). */
  shares: Record<string, string>;
}

export interface DemoPayout {
  payout_id: number;
  partner_id: number;
  amount: string;
  provider: string;
  status: string;
  conversions: number;
}

export interface DemoReport {
  runId: string;
  baseUrl: string;
  vendor: { vendor_id: number; name: string };
  campaign: { campaign_id: number; campaign_version_id: number; name: string; attribution_model: string; tiers: string; rule: string };
  partners: DemoPartner[];
  clicks: {
    expected: TrafficExpectation;
    fired: number;
    /** Distinct click ids the redirect handed out. */
    clickIds: number;
    /** Those click ids (for cross-checks; not printed). */
    handedOut: string[];
    /** What the redirect answered, by kind of filtering. */
    filtered: { bots: number; head: number; repeats: number };
    /** Sum of the enrollments' total_clicks (API). */
    counted: number;
  };
  deliveries: { stripe: number; shopify: number; api: number; duplicates: number; refunds: number; enqueued: number };
  integrations: { stripe: number; shopify: number };
  partnerTotals: DemoPartnerTotals[];
  conversions: DemoConversion[];
  attribution: { model: string; models: string[]; partners: Array<Record<string, string | number>>; totals: Record<string, string> };
  payoutRun: { start_date: string; end_date: string; minimum: string; skipped: Array<{ partner_id: number; reason: string; amount: string }> };
  payouts: DemoPayout[];
  reconciliation: { balanced: boolean; violations: number };
  checks: Array<{ name: string; ok: boolean; detail: string }>;
  elapsedMs: number;
}

/** One shopper's sale as the demo sends it. */
interface PlannedSale {
  buyer: BuyerName;
  via: 'stripe' | 'shopify' | 'api';
  cents: bigint;
  wave: 1 | 2 | 3;
}

/**
 * The sales. With the campaign below (Bronze 10 % under $500.00 of partner revenue this month,
 * Silver 15 % from $500.00, +$5.00 on sales of $300.00 or more, linear attribution):
 * stripe-journey $120.00 (Alice then Bob: 12.00 split 6.00/6.00), stripe-big $400.00 (Alice:
 * 40.00 + 5.00), stripe-refunded $80.00 (Carol: 8.00, then $30.00 refunded: 5.00),
 * shopify-journey $250.00 (Carol then Bob; Bob's revenue so far $120.00: 25.00 split 12.50/12.50),
 * shopify-big $600.00 (Alice, $400.00 so far: Bronze 60.00 + 5.00), api-sale $150.00 (Alice,
 * $1,000.00 so far: Silver 22.50).
 */
const sales: readonly PlannedSale[] = [
  { buyer: 'stripe-journey', via: 'stripe', cents: 12_000n, wave: 1 },
  { buyer: 'stripe-big', via: 'stripe', cents: 40_000n, wave: 1 },
  { buyer: 'stripe-refunded', via: 'stripe', cents: 8_000n, wave: 1 },
  { buyer: 'shopify-journey', via: 'shopify', cents: 25_000n, wave: 2 },
  { buyer: 'shopify-big', via: 'shopify', cents: 60_000n, wave: 2 },
  { buyer: 'api-sale', via: 'api', cents: 15_000n, wave: 3 },
];
const refundCents = 3_000n;

const partnerSpecs = [
  { name: 'Alice Trail Blog', tier: 'gold' },
  { name: 'Bob Runs Reviews', tier: 'silver' },
  { name: 'Carol Outdoor Deals', tier: 'standard' },
] as const;

/** A stored decimal ("5", "300.5") as money ("5.00", "300.50"). */
const dollars = (value: string | undefined) => (value === undefined ? '?' : formatMoney(parseMoney(value)));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface ObservedStep {
  status: number;
  clickId: string | null;
}

/** Plays one visitor: its steps in order, carrying the `aff_cid` cookie like a browser. */
async function playVisitor(http: DemoHttp, visitor: PlannedVisitor, codes: readonly string[]): Promise<ObservedStep[]> {
  let cookie: string | undefined;
  const observed: ObservedStep[] = [];
  for (const step of visitor.steps) {
    const response = await http.fetch(`/${codes[step.link]}`, {
      method: step.method,
      headers: { 'user-agent': visitor.userAgent, ...(cookie ? { cookie } : {}) },
    });
    await response.body?.cancel();
    if (response.status !== 302) throw new DemoStepError(`click: ${step.method} /${codes[step.link]} (${visitor.name}) answered ${response.status}, expected 302`);
    const location = response.headers.get('location');
    const clickId = location ? new URL(location).searchParams.get('aff_click_id') : null;
    for (const setCookie of response.headers.getSetCookie()) {
      const pair = /^(aff_cid=[^;]+)/.exec(setCookie);
      if (pair) cookie = pair[1];
    }
    observed.push({ status: response.status, clickId });
  }
  return observed;
}

/** Sums a partner's touch values per partner of one conversion. */
function sharesOf(touches: Array<{ partner_id: number; touch_value: string | null }>): Record<string, string> {
  const cents = new Map<number, bigint>();
  for (const t of touches) cents.set(t.partner_id, (cents.get(t.partner_id) ?? 0n) + (t.touch_value === null ? 0n : parseMoney(t.touch_value)));
  return Object.fromEntries([...cents.entries()].sort((a, b) => a[0] - b[0]).map(([id, c]) => [String(id), formatMoney(c)]));
}

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
  const vendor = await http.json<{ vendor_id: number; name: string; api_key: string }>({
    step: 'create the vendor',
    method: 'POST',
    path: '/v1/admin/vendors',
    token: adminToken,
    body: { name: `Demo Outdoors ${runId}`, email: `owner+${runId}@demo-outdoors.example`, website_url: 'https://shop.example.com', owner_name: 'Dana Demo' },
  });
  const vendorKey = vendor.api_key;

  const campaign = await http.json<{ campaign_id: number; campaign_version_id: number; name: string; attribution_model: string }>({
    step: 'create the campaign',
    method: 'POST',
    path: '/v1/campaigns',
    token: vendorKey,
    body: {
      name: `Trail runners ${runId}`,
      destination_url: 'https://shop.example.com/trail-runners',
      default_commission_type: 'tiered',
      tiers: [
        { label: 'Bronze', min_amount: '0.00', max_amount: '500.00', reward_type: 'percentage', reward_value: '10.00' },
        { label: 'Silver', min_amount: '500.00', max_amount: '5000.00', reward_type: 'percentage', reward_value: '15.00' },
      ],
      attribution_model: 'linear',
      cookie_duration_days: 30,
      // Approved as soon as the approvals job runs: the demo does not wait for a refund window.
      approval_hold_days: 0,
      is_public: false,
    },
  });
  const rule = await http.json<{ commission_rule_id: number; name: string; conditions: { min_event_value?: string }; actions: { bonus_flat?: string } }>({
    step: 'create the commission rule',
    method: 'POST',
    path: '/v1/commission-rules',
    token: vendorKey,
    body: {
      name: 'Big basket bonus',
      campaign_version_id: campaign.campaign_version_id,
      conditions: { event_types: ['sale'], min_event_value: '300.00' },
      actions: { bonus_flat: '5.00' },
    },
  });

  const partners: Array<DemoPartner & { apiKey: string }> = [];
  for (const [i, spec] of partnerSpecs.entries()) {
    const email = `partner${i + 1}+${runId}@partners.example`;
    // The operator creates the tiered partners it negotiated with (active at once); a standard one
    // signs up itself, pending, and is approved by the operator before it can enroll or get links.
    const partner =
      spec.tier === 'standard'
        ? await http.json<{ partner_id: number; name: string; api_key: string }>({
            step: `${spec.name} signs up`,
            method: 'POST',
            path: '/v1/partner/signup',
            body: { name: spec.name, email },
          })
        : await http.json<{ partner_id: number; name: string; api_key: string }>({
            step: `create partner ${spec.name}`,
            method: 'POST',
            path: '/v1/admin/partners',
            token: adminToken,
            body: { name: spec.name, email, tier: spec.tier },
          });
    if (spec.tier === 'standard') {
      await http.json({ step: `approve partner ${spec.name}`, method: 'POST', path: `/v1/admin/partners/${partner.partner_id}/approve`, token: adminToken, body: {}, expect: 200 });
    }
    await http.json({
      step: `enroll ${spec.name}`,
      method: 'POST',
      path: `/v1/campaigns/${campaign.campaign_id}/partners`,
      token: vendorKey,
      body: { partner_id: partner.partner_id },
    });
    const link = await http.json<{ short_code: string; hot_store: string }>({
      step: `create ${spec.name}'s link`,
      method: 'POST',
      path: '/v1/partner/links',
      token: partner.api_key,
      body: { campaign_id: campaign.campaign_id, link_label: 'Review post' },
    });
    if (link.hot_store === 'pending_repair') throw new DemoStepError(`create ${spec.name}'s link: the link was not written to the hot store (run the sync-links job)`);
    partners.push({ partner_id: partner.partner_id, name: partner.name, short_code: link.short_code, apiKey: partner.api_key });
  }
  const codes = partners.map((p) => p.short_code);

  const stripeSecret = `whsec_${randomBytes(24).toString('base64url')}`;
  const shopifySecret = randomBytes(32).toString('hex');
  const shopDomain = `demo-outdoors-${runId}.myshopify.com`;
  const stripe = await http.json<{ integration_id: number }>({
    step: 'create the Stripe integration',
    method: 'POST',
    path: '/v1/integrations',
    token: vendorKey,
    body: { type: 'stripe', name: 'Stripe checkout', campaign_id: campaign.campaign_id, config: { signing_secret: stripeSecret } },
  });
  const shopify = await http.json<{ integration_id: number }>({
    step: 'create the Shopify integration',
    method: 'POST',
    path: '/v1/integrations',
    token: vendorKey,
    body: { type: 'shopify', name: 'Shopify store', campaign_id: campaign.campaign_id, config: { signing_secret: shopifySecret, shop_domain: shopDomain } },
  });

  // --- Shoppers, repeat visitors, crawlers and previews click. --------------------------------
  const plan = planDemoTraffic();
  progress(`${plan.expected.fired} requests through the redirect`);
  let snapshot = await readQueueSnapshot(http);
  const observed = await runWithConcurrency(plan.visitors, options.concurrency ?? 16, (visitor) => playVisitor(http, visitor, codes));
  const clickIds = new Set<string>();
  const filtered = { bots: 0, head: 0, repeats: 0 };
  const buyerClick = new Map<string, string>();
  plan.visitors.forEach((visitor, v) => {
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
  snapshot = await waitForQueues({ http, step: 'click ingestion', baseline: snapshot, minimumSucceeded: { clicks: clickIds.size }, timeoutMs: settleTimeoutMs });

  // --- The shop reports sales: signed webhooks in waves, then the conversion API. --------------
  const deliveries = { stripe: 0, shopify: 0, api: 0, duplicates: 0, refunds: 0, enqueued: 0 };
  const clickOf = (buyer: BuyerName): string => {
    const id = buyerClick.get(buyer);
    if (!id) throw new DemoStepError(`${buyer}'s click got no click id from the redirect`);
    return id;
  };
  // Webhooks are posted as raw bytes: the signature covers the exact body, never re-serialised JSON.
  const postWebhook = async (step: string, path: string, payload: string, headers: Record<string, string>): Promise<void> => {
    const response = await http.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload });
    const text = await response.text();
    if (response.status !== 200) throw new DemoStepError(`${step}: POST ${path} answered ${response.status} ${text.slice(0, 300)}`);
    const body = JSON.parse(text) as { enqueued?: number; ignored?: boolean; reason?: string };
    if (body.ignored) throw new DemoStepError(`${step}: the webhook was ignored (${body.reason ?? 'no reason'})`);
    deliveries.enqueued += body.enqueued ?? 0;
  };
  const stripePath = `/webhooks/stripe/${stripe.integration_id}`;
  const shopifyPath = `/webhooks/shopify/${shopify.integration_id}`;
  const sendStripe = (step: string, payload: string) =>
    postWebhook(step, stripePath, payload, { 'stripe-signature': signStripePayload({ payload, secret: stripeSecret, timestamp: Math.floor(Date.now() / 1000) }) });
  const sendShopify = (step: string, payload: string, topic: string, webhookId: string) =>
    postWebhook(step, shopifyPath, payload, {
      'x-shopify-hmac-sha256': signShopifyPayload({ payload, secret: shopifySecret }),
      'x-shopify-topic': topic,
      'x-shopify-webhook-id': webhookId,
      'x-shopify-shop-domain': shopDomain,
    });

  // A sale must not share the second of its click (Stripe's `created` has whole seconds).
  await sleep(1000 - (Date.now() % 1000) + 20);
  const paymentIntent = (buyer: BuyerName) => `pi_${runId}_${buyer.replace(/-/g, '_')}`;
  let orderNumber = 1000;
  const waitForConversions = async (wave: string, before: number) => {
    snapshot = await waitForQueues({ http, step: wave, baseline: snapshot, minimumSucceeded: { conversions: deliveries.enqueued - before }, timeoutMs: settleTimeoutMs });
  };

  for (const wave of [1, 2, 3] as const) {
    progress(`sales, wave ${wave}`);
    const enqueuedBefore = deliveries.enqueued;
    for (const sale of sales.filter((s) => s.wave === wave)) {
      const clickId = clickOf(sale.buyer);
      const email = `${sale.buyer}+${runId}@shoppers.example`;
      if (sale.via === 'stripe') {
        const created = Math.floor(Date.now() / 1000);
        const payload = JSON.stringify(
          buildStripeCheckoutCompleted({
            eventId: `evt_${runId}_${sale.buyer.replace(/-/g, '_')}`,
            sessionId: `cs_test_${runId}_${sale.buyer.replace(/-/g, '_')}`,
            paymentIntentId: paymentIntent(sale.buyer),
            amountCents: sale.cents,
            clickId,
            customerId: `cus_${runId}_${sale.buyer.replace(/-/g, '_')}`,
            customerEmail: email,
            created,
          }),
        );
        await sendStripe(`Stripe sale (${sale.buyer})`, payload);
        deliveries.stripe += 1;
        if (sale.buyer === 'stripe-journey') {
          // Stripe retries when it saw no answer in time: the same event, signed again.
          await sendStripe('Stripe duplicate delivery', payload);
          deliveries.stripe += 1;
          deliveries.duplicates += 1;
        }
      } else if (sale.via === 'shopify') {
        orderNumber += 1;
        const orderId = 5_800_000_000_000 + Number(startedAt % 1_000_000_000) * 10 + orderNumber;
        const payload = JSON.stringify(
          buildShopifyOrderPaid({
            orderId,
            orderNumber,
            totalCents: sale.cents,
            clickId,
            customerId: 7_200_000_000_000 + orderNumber,
            email,
            processedAt: new Date().toISOString(),
          }),
        );
        const webhookId = `wh-${runId}-${sale.buyer}`;
        await sendShopify(`Shopify order (${sale.buyer})`, payload, 'orders/paid', webhookId);
        deliveries.shopify += 1;
        if (sale.buyer === 'shopify-journey') {
          // Shopify redelivers with the same X-Shopify-Webhook-Id.
          await sendShopify('Shopify duplicate delivery', payload, 'orders/paid', webhookId);
          deliveries.shopify += 1;
          deliveries.duplicates += 1;
        }
      } else {
        await http.json({
          step: 'report a conversion through the API',
          method: 'POST',
          path: '/v1/conversions',
          token: vendorKey,
          expect: 202,
          body: {
            event_type: 'sale',
            transaction_id: `order-${runId}-api`,
            event_value: formatMoney(sale.cents),
            currency: 'USD',
            occurred_at: new Date().toISOString(),
            click_id: clickId,
            customer_email: email,
          },
        });
        deliveries.api += 1;
        deliveries.enqueued += 1;
      }
    }
    if (wave === 3) {
      // The shopper sends back part of the $80.00 order.
      const created = Math.floor(Date.now() / 1000);
      const payload = JSON.stringify(
        buildStripeChargeRefunded({
          eventId: `evt_${runId}_refund`,
          chargeId: `ch_${runId}_refunded`,
          refundId: `re_${runId}_refunded`,
          paymentIntentId: paymentIntent('stripe-refunded'),
          chargeAmountCents: sales.find((s) => s.buyer === 'stripe-refunded')!.cents,
          refundAmountCents: refundCents,
          created,
        }),
      );
      await sendStripe('Stripe refund', payload);
      deliveries.stripe += 1;
      deliveries.refunds += 1;
    }
    await waitForConversions(`conversions, wave ${wave}`, enqueuedBefore);
  }

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
  await sleep(20);
  const run = await http.json<{ result: { start_date: string; end_date: string; minimum: string; created: Array<{ payout_id: number; partner_id: number }>; skipped: Array<{ partner_id: number; reason: string; amount: string }> } }>({
    step: 'run the payout job',
    method: 'POST',
    path: '/v1/admin/jobs/payouts',
    token: adminToken,
    body: { start_date: periodStart, end_date: new Date().toISOString(), minimum: '10.00' },
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
  const enrollments = await http.json<{ data: Array<DemoPartnerTotals> }>({
    step: 'read the enrollments',
    method: 'GET',
    path: `/v1/campaign-partners?campaign_id=${campaign.campaign_id}&limit=100`,
    token: vendorKey,
  });
  const nameOf = new Map(partners.map((p) => [p.partner_id, p.name]));
  const terms = await http.json<{ tiers: Array<{ label: string; min_amount: string; max_amount: string; reward_value: string }> }>({
    step: 'read the campaign',
    method: 'GET',
    path: `/v1/campaigns/${campaign.campaign_id}`,
    token: vendorKey,
  });
  const partnerTotals: DemoPartnerTotals[] = partners.map((p) => {
    const row = enrollments.data.find((e) => e.partner_id === p.partner_id);
    if (!row) throw new DemoStepError(`read the enrollments: ${p.name} is missing`);
    return {
      partner_id: p.partner_id,
      name: p.name,
      total_clicks: row.total_clicks,
      total_conversions: row.total_conversions,
      total_revenue: row.total_revenue,
      total_commission_earned: row.total_commission_earned,
    };
  });

  const conversionPage = await http.json<{ data: Array<Omit<DemoConversion, 'shares'> & { touches: Array<{ partner_id: number; touch_value: string | null }> }> }>({
    step: 'read the conversions',
    method: 'GET',
    path: `/v1/conversions?campaign_id=${campaign.campaign_id}&limit=100`,
    token: vendorKey,
  });
  const conversions: DemoConversion[] = conversionPage.data
    .map((c) => ({
      conversion_event_id: c.conversion_event_id,
      source: c.source,
      transaction_id: c.transaction_id,
      partner_id: c.partner_id,
      status: c.status,
      event_value: c.event_value,
      refunded_amount: c.refunded_amount,
      commission_amount: c.commission_amount,
      shares: sharesOf(c.touches),
    }))
    .sort((a, b) => a.conversion_event_id - b.conversion_event_id);

  // Totals come per currency (docs/money.md); the demo's campaign prices in USD.
  const attribution = await http.json<{ models: string[]; partners: Array<Record<string, string | number>>; totals: Array<Record<string, string>> }>({
    step: 'read the attribution report',
    method: 'GET',
    path: `/v1/reports/attribution?campaign_id=${campaign.campaign_id}`,
    token: vendorKey,
  });

  const payouts: DemoPayout[] = [];
  for (const partner of partners) {
    const page = await http.json<{ data: Array<{ payout_id: number; partner_id: number; amount: string; provider: string; status: string; start_date: string; conversions: unknown[] }> }>({
      step: `read ${partner.name}'s payouts`,
      method: 'GET',
      path: `/v1/admin/payouts?partner_id=${partner.partner_id}`,
      token: adminToken,
    });
    for (const p of page.data) {
      payouts.push({ payout_id: p.payout_id, partner_id: p.partner_id, amount: p.amount, provider: p.provider, status: p.status, conversions: p.conversions.length });
    }
  }
  payouts.sort((a, b) => a.payout_id - b.payout_id);

  const reconciliation = await http.json<{ balanced: boolean; violations: unknown[] }>({
    step: 'read the reconciliation',
    method: 'GET',
    path: '/v1/admin/reconciliation',
    token: adminToken,
  });

  const counted = partnerTotals.reduce((n, p) => n + p.total_clicks, 0);
  const report: DemoReport = {
    runId,
    baseUrl: http.baseUrl,
    vendor: { vendor_id: vendor.vendor_id, name: vendor.name },
    campaign: {
      campaign_id: campaign.campaign_id,
      campaign_version_id: campaign.campaign_version_id,
      name: campaign.name,
      attribution_model: campaign.attribution_model,
      tiers: `tiers by the partner's revenue this month: ${terms.tiers.map((t) => `${t.label} ${t.reward_value} % from $${t.min_amount}`).join(', ')}`,
      rule: `rule #${rule.commission_rule_id} "${rule.name}": +$${dollars(rule.actions.bonus_flat)} on sales of $${dollars(rule.conditions.min_event_value)} or more`,
    },
    partners: partners.map(({ apiKey: _key, ...p }) => p),
    clicks: { expected: plan.expected, fired: observed.reduce((n, o) => n + o.length, 0), clickIds: clickIds.size, handedOut: [...clickIds], filtered, counted },
    deliveries,
    integrations: { stripe: stripe.integration_id, shopify: shopify.integration_id },
    partnerTotals,
    conversions,
    attribution: {
      model: campaign.attribution_model,
      models: attribution.models,
      partners: attribution.partners.map((p) => ({ ...p, name: nameOf.get(Number(p.partner_id)) ?? String(p.name) })),
      totals: attribution.totals.find((t) => t.currency === 'USD') ?? {},
    },
    payoutRun: {
      start_date: run.result.start_date,
      end_date: run.result.end_date,
      minimum: run.result.minimum,
      skipped: run.result.skipped.filter((s) => ownIds.has(s.partner_id)),
    },
    payouts,
    reconciliation: { balanced: reconciliation.balanced, violations: reconciliation.violations.length },
    checks: [],
    elapsedMs: 0,
  };
  report.checks = checkDemoReport(report);
  report.elapsedMs = Date.now() - startedAt;
  return report;
}

/**
 * What must hold after the scenario, whatever the platform: every click id the redirect handed
 * out is counted once, nothing else is; one conversion per sale whatever the duplicates; every
 * conversion's touches sum to its commission; each payout is completed; the books balance.
 */
export function checkDemoReport(report: DemoReport): Array<{ name: string; ok: boolean; detail: string }> {
  const { clicks } = report;
  const commissionCents = report.conversions.reduce((n, c) => n + (c.commission_amount === null ? 0n : parseMoney(c.commission_amount)), 0n);
  const sharesCents = report.conversions.reduce((n, c) => n + Object.values(c.shares).reduce((m, s) => m + parseMoney(s), 0n), 0n);
  const earnedCents = report.partnerTotals.reduce((n, p) => n + parseMoney(p.total_commission_earned), 0n);
  const expectedConversions = sales.length;
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
      name: 'touches sum to commissions',
      ok: sharesCents === commissionCents && earnedCents === commissionCents,
      detail: `commissions ${formatMoney(commissionCents)}, touches ${formatMoney(sharesCents)}, partners' earned ${formatMoney(earnedCents)}`,
    },
    {
      name: 'payouts completed',
      ok: report.payouts.length > 0 && report.payouts.every((p) => p.status === 'completed'),
      detail: report.payouts.map((p) => `#${p.payout_id} ${p.status}`).join(', ') || 'no payout',
    },
    {
      name: 'reconciliation balanced',
      ok: report.reconciliation.balanced,
      detail: `${report.reconciliation.violations} violations`,
    },
  ];
}
