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
 * The sales come in three waves, each settled before the next: a tier depends on the partner's
 * revenue earlier in the month, so the order in which one partner's sales are attributed must not
 * be left to the queue.
 */
import { randomBytes } from 'node:crypto';
import { formatAmount, parseAmount } from '../../functions/domain/money/currency.js';
import { formatMoney, parseMoney } from '../../functions/domain/money/index.js';
import { DemoStepError, type DemoHttp } from './demo-http.js';
import { buildShopifyOrderPaid, buildStripeChargeRefunded, buildStripeCheckoutCompleted, buildStripeRefundCreated } from './build-provider-events.js';
import { planDemoTraffic, shopperUserAgent, summariseTraffic, type BuyerName, type PlannedVisitor, type TrafficExpectation } from './plan-demo-traffic.js';
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
  /** Its address (web sign-in). */
  email?: string;
}

export interface DemoPartnerTotals {
  partner_id: number;
  name: string;
  /** The enrollment's campaign and its currency (one row per partner and campaign). */
  campaign_id: number;
  currency: string;
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
  campaign_id: number;
  /** The version the sale was priced on (its winning click's). */
  campaign_version_id: number;
  currency: string;
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
  currency: string;
  amount: string;
  provider: string;
  status: string;
  conversions: number;
}

export interface DemoReport {
  runId: string;
  baseUrl: string;
  vendor: { vendor_id: number; name: string; /** The owner's address (web sign-in). */ email: string };
  campaign: { campaign_id: number; campaign_version_id: number; name: string; attribution_model: string; tiers: string; rule: string };
  /** The USD campaign's edit between the clicks and their sales. */
  edit: { from_version_id: number; to_version_id: number; version_number: number; change: string };
  /** The other currencies' campaigns, each with one enrolled partner. */
  otherCampaigns: Array<{ campaign_id: number; name: string; currency: string; terms: string; partner_id: number }>;
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
  /** Sales kept without a commission, with the reason the vendor reads (here: one paid in EUR on a USD click). */
  unattributed: Array<{ transaction_id: string | null; currency: string; event_value: string | null; reason: string; refusal: string | null }>;
  integrations: { stripe: number; shopify: number; stripeJpy: number };
  partnerTotals: DemoPartnerTotals[];
  conversions: DemoConversion[];
  /** Per campaign: partner rows per partner and currency, totals one entry per currency. */
  attribution: { model: string; models: string[]; partners: Array<Record<string, string | number>>; totals: Array<Record<string, string>> };
  payoutRun: {
    start_date: string;
    end_date: string;
    minimum: string;
    thresholds: Record<string, string>;
    skipped: Array<{ partner_id: number; currency: string; reason: string; amount: string; minimum: string }>;
  };
  payouts: DemoPayout[];
  /** `money`: the platform's books per currency (every vendor's, not only this run's). */
  reconciliation: { balanced: boolean; violations: number; money: Array<{ currency: string; earned: string; paid_out: string; in_payouts: string; open_adjustments: string }> };
  checks: Array<{ name: string; ok: boolean; detail: string }>;
  elapsedMs: number;
}

/**
 * Shoppers beside the planned traffic: one on Alice's EUR link, one on Bob's JPY link (links 3
 * and 4), both before the USD campaign's edit, and one on Alice's USD link after it.
 */
type ExtraBuyer = 'eur-sale' | 'jpy-sale' | 'after-edit';
type SaleBuyer = BuyerName | ExtraBuyer;
const extraVisitors = (n: number): Record<ExtraBuyer, PlannedVisitor> => ({
  'eur-sale': { name: 'eur-sale', kind: 'shopper', userAgent: shopperUserAgent(n), steps: [{ link: 3, method: 'GET' }] },
  'jpy-sale': { name: 'jpy-sale', kind: 'shopper', userAgent: shopperUserAgent(n + 1), steps: [{ link: 4, method: 'GET' }] },
  'after-edit': { name: 'after-edit', kind: 'shopper', userAgent: shopperUserAgent(n + 2), steps: [{ link: 0, method: 'GET' }] },
});

/** One shopper's sale as the demo sends it. */
interface PlannedSale {
  buyer: SaleBuyer;
  via: 'stripe' | 'shopify' | 'api';
  /** In minor units of `currency` (cents, or yen: JPY has no decimals). */
  amount: bigint;
  currency: 'USD' | 'EUR' | 'JPY';
  wave: 1 | 2 | 3;
}

/**
 * The sales. With the USD campaign below (Bronze 10 % under $500.00 of partner revenue this
 * month, Silver 15 % from $500.00, +$5.00 on sales of $300.00 or more, linear attribution; after
 * the clicks the vendor raises Silver to 20 %, which only clicks made after the edit get):
 * stripe-journey $120.00 (Alice then Bob: 12.00 split 6.00/6.00), stripe-big $400.00 (Alice:
 * 40.00 + 5.00), stripe-refunded $80.00 (Carol: 8.00, then $30.00 refunded: 5.00),
 * shopify-journey $250.00 (Carol then Bob; Bob's revenue so far $120.00: 25.00 split 12.50/12.50),
 * shopify-big $600.00 (Alice, $400.00 so far: Bronze 60.00 + 5.00), api-sale $150.00 (Alice,
 * $1,000.00 so far, clicked before the edit: Silver 15 % = 22.50), after-edit $100.00 (Alice,
 * clicked after the edit: Silver 20 % = 20.00). EUR campaign (10 %): eur-sale EUR 180.00 (Alice:
 * 18.00). JPY campaign (10 %): jpy-sale ¥5000 through Stripe (Bob: ¥500).
 */
const sales: readonly PlannedSale[] = [
  { buyer: 'stripe-journey', via: 'stripe', amount: 12_000n, currency: 'USD', wave: 1 },
  { buyer: 'stripe-big', via: 'stripe', amount: 40_000n, currency: 'USD', wave: 1 },
  { buyer: 'stripe-refunded', via: 'stripe', amount: 8_000n, currency: 'USD', wave: 1 },
  { buyer: 'jpy-sale', via: 'stripe', amount: 5_000n, currency: 'JPY', wave: 1 },
  { buyer: 'shopify-journey', via: 'shopify', amount: 25_000n, currency: 'USD', wave: 2 },
  { buyer: 'shopify-big', via: 'shopify', amount: 60_000n, currency: 'USD', wave: 2 },
  { buyer: 'api-sale', via: 'api', amount: 15_000n, currency: 'USD', wave: 3 },
  { buyer: 'after-edit', via: 'api', amount: 10_000n, currency: 'USD', wave: 3 },
  { buyer: 'eur-sale', via: 'api', amount: 18_000n, currency: 'EUR', wave: 3 },
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

/** Sums a conversion's touch values per partner, in the conversion's currency. */
function sharesOf(touches: Array<{ partner_id: number; touch_value: string | null }>, currency: string): Record<string, string> {
  const minor = new Map<number, bigint>();
  for (const t of touches) minor.set(t.partner_id, (minor.get(t.partner_id) ?? 0n) + (t.touch_value === null ? 0n : parseAmount(t.touch_value, currency)));
  return Object.fromEntries([...minor.entries()].sort((a, b) => a[0] - b[0]).map(([id, m]) => [String(id), formatAmount(m, currency)]));
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
  const vendorEmail = `owner+${runId}@demo-outdoors.example`;
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
    partners.push({ partner_id: partner.partner_id, name: partner.name, short_code: link.short_code, apiKey: partner.api_key, email });
  }
  // The vendor also sells in EUR and in JPY: one campaign per currency (docs/money.md), each
  // promoted by one partner. Alice takes the EUR one, Bob the JPY one.
  const otherCampaigns: DemoReport['otherCampaigns'] = [];
  const otherCodes: string[] = [];
  for (const [currency, partner] of [['EUR', partners[0]!], ['JPY', partners[1]!]] as const) {
    const created = await http.json<{ campaign_id: number; name: string; currency: string; default_commission_value: string }>({
      step: `create the ${currency} campaign`,
      method: 'POST',
      path: '/v1/campaigns',
      token: vendorKey,
      body: {
        name: `Trail runners ${currency} ${runId}`,
        destination_url: `https://shop.example.com/${currency.toLowerCase()}/trail-runners`,
        currency,
        default_commission_type: 'percentage',
        default_commission_value: '10.00',
        attribution_model: 'last_click',
        cookie_duration_days: 30,
        approval_hold_days: 0,
        is_public: false,
      },
    });
    await http.json({ step: `enroll ${partner.name} in the ${currency} campaign`, method: 'POST', path: `/v1/campaigns/${created.campaign_id}/partners`, token: vendorKey, body: { partner_id: partner.partner_id } });
    const link = await http.json<{ short_code: string; hot_store: string }>({
      step: `create ${partner.name}'s ${currency} link`,
      method: 'POST',
      path: '/v1/partner/links',
      token: partner.apiKey,
      body: { campaign_id: created.campaign_id, link_label: `${currency} shop` },
    });
    if (link.hot_store === 'pending_repair') throw new DemoStepError(`create ${partner.name}'s ${currency} link: the link was not written to the hot store (run the sync-links job)`);
    otherCodes.push(link.short_code);
    otherCampaigns.push({ campaign_id: created.campaign_id, name: created.name, currency: created.currency, terms: `${created.default_commission_value} % of each sale`, partner_id: partner.partner_id });
  }
  const [eurCampaign, jpyCampaign] = otherCampaigns as [DemoReport['otherCampaigns'][number], DemoReport['otherCampaigns'][number]];
  // Links 0-2: the USD campaign's (Alice, Bob, Carol); 3: Alice's EUR link; 4: Bob's JPY link.
  const codes = [...partners.map((p) => p.short_code), ...otherCodes];

  const stripeSecret = `whsec_${randomBytes(24).toString('base64url')}`;
  const shopifySecret = randomBytes(32).toString('hex');
  const shopDomain = `demo-outdoors-${runId}.myshopify.com`;
  // One Stripe account, so one integration and signing secret, per shop.
  const createStripeIntegration = (step: string, name: string, campaignId: number, signingSecret: string) =>
    http.json<{ integration_id: number }>({
      step,
      method: 'POST',
      path: '/v1/integrations',
      token: vendorKey,
      body: { type: 'stripe', name, campaign_id: campaignId, config: { signing_secret: signingSecret } },
    });
  const stripe = await createStripeIntegration('create the Stripe integration', 'Stripe checkout', campaign.campaign_id, stripeSecret);
  const shopify = await http.json<{ integration_id: number }>({
    step: 'create the Shopify integration',
    method: 'POST',
    path: '/v1/integrations',
    token: vendorKey,
    body: { type: 'shopify', name: 'Shopify store', campaign_id: campaign.campaign_id, config: { signing_secret: shopifySecret, shop_domain: shopDomain } },
  });
  // The JPY shop has its own Stripe account.
  const stripeJpySecret = `whsec_${randomBytes(24).toString('base64url')}`;
  const stripeJpy = await createStripeIntegration('create the JPY Stripe integration', 'Stripe checkout (Japan)', jpyCampaign.campaign_id, stripeJpySecret);

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
  const deliveries = { stripe: 0, shopify: 0, api: 0, duplicates: 0, refunds: 0, enqueued: 0 };
  const clickOf = (buyer: SaleBuyer): string => {
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
  const sendStripe = (step: string, payload: string, jpy = false) =>
    postWebhook(step, jpy ? `/webhooks/stripe/${stripeJpy.integration_id}` : stripePath, payload, {
      'stripe-signature': signStripePayload({ payload, secret: jpy ? stripeJpySecret : stripeSecret, timestamp: Math.floor(Date.now() / 1000) }),
    });
  const sendShopify = (step: string, payload: string, topic: string, webhookId: string) =>
    postWebhook(step, shopifyPath, payload, {
      'x-shopify-hmac-sha256': signShopifyPayload({ payload, secret: shopifySecret }),
      'x-shopify-topic': topic,
      'x-shopify-webhook-id': webhookId,
      'x-shopify-shop-domain': shopDomain,
    });

  // A sale must not share the second of its click (Stripe's `created` has whole seconds).
  await sleep(1000 - (Date.now() % 1000) + 20);
  const paymentIntent = (buyer: SaleBuyer) => `pi_${runId}_${buyer.replace(/-/g, '_')}`;
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
            amount: sale.amount,
            currency: sale.currency.toLowerCase(),
            clickId,
            customerId: `cus_${runId}_${sale.buyer.replace(/-/g, '_')}`,
            customerEmail: email,
            created,
          }),
        );
        await sendStripe(`Stripe sale (${sale.buyer})`, payload, sale.currency === 'JPY');
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
            totalCents: sale.amount,
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
          step: `report a conversion through the API (${sale.buyer})`,
          method: 'POST',
          path: '/v1/conversions',
          token: vendorKey,
          expect: 202,
          body: {
            event_type: 'sale',
            transaction_id: `order-${runId}-${sale.buyer}`,
            event_value: formatAmount(sale.amount, sale.currency),
            currency: sale.currency,
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
      // The shopper sends back part of the $80.00 order. Stripe sends today's shapes: the Refund
      // (`refund.created`), and the Charge with its running `amount_refunded` and no refund list
      // (`charge.refunded`). Both describe the same $30.00: it must be taken once.
      const created = Math.floor(Date.now() / 1000);
      const refund = {
        paymentIntentId: paymentIntent('stripe-refunded'),
        chargeId: `ch_${runId}_refunded`,
        currency: 'usd',
        created,
      };
      await sendStripe(
        'Stripe refund.created',
        JSON.stringify(buildStripeRefundCreated({ ...refund, eventId: `evt_${runId}_refund_created`, refundId: `re_${runId}_refunded`, amount: refundCents })),
      );
      await sendStripe(
        'Stripe charge.refunded',
        JSON.stringify(
          buildStripeChargeRefunded({
            ...refund,
            eventId: `evt_${runId}_charge_refunded`,
            chargeAmount: sales.find((s) => s.buyer === 'stripe-refunded')!.amount,
            amountRefunded: refundCents,
          }),
        ),
      );
      deliveries.stripe += 2;
      deliveries.refunds += 2;

      // A shopper who clicked Carol's USD link pays at the EUR checkout: no commission (amounts are
      // never converted), kept where the vendor sees it with the reason.
      await http.json({
        step: 'report a EUR sale on a USD click',
        method: 'POST',
        path: '/v1/conversions',
        token: vendorKey,
        expect: 202,
        body: {
          event_type: 'sale',
          transaction_id: `order-${runId}-eur-on-usd`,
          event_value: '45.00',
          currency: 'EUR',
          occurred_at: new Date().toISOString(),
          click_id: clickOf('stripe-refunded'),
        },
      });
      deliveries.api += 1;
      deliveries.enqueued += 1;
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
  const nameOf = new Map(partners.map((p) => [p.partner_id, p.name]));
  const campaignIds = [campaign.campaign_id, eurCampaign.campaign_id, jpyCampaign.campaign_id];
  const partnerTotals: DemoPartnerTotals[] = [];
  for (const campaignId of campaignIds) {
    const enrollments = await http.json<{ data: Array<Omit<DemoPartnerTotals, 'name' | 'campaign_id'>> }>({
      step: `read campaign ${campaignId}'s enrollments`,
      method: 'GET',
      path: `/v1/campaign-partners?campaign_id=${campaignId}&limit=100`,
      token: vendorKey,
    });
    for (const row of enrollments.data) {
      partnerTotals.push({
        partner_id: row.partner_id,
        name: nameOf.get(row.partner_id) ?? String(row.partner_id),
        campaign_id: campaignId,
        currency: row.currency,
        total_clicks: row.total_clicks,
        total_conversions: row.total_conversions,
        total_revenue: row.total_revenue,
        total_commission_earned: row.total_commission_earned,
      });
    }
  }
  // By partner, then campaign (USD, EUR, JPY).
  partnerTotals.sort((a, b) => a.partner_id - b.partner_id || campaignIds.indexOf(a.campaign_id) - campaignIds.indexOf(b.campaign_id));
  for (const p of partners) {
    if (!partnerTotals.some((t) => t.partner_id === p.partner_id && t.campaign_id === campaign.campaign_id)) throw new DemoStepError(`read the enrollments: ${p.name} is missing`);
  }
  const terms = await http.json<{ campaign_version_id: number; tiers: Array<{ label: string; min_amount: string; max_amount: string; reward_value: string }> }>({
    step: 'read the campaign',
    method: 'GET',
    path: `/v1/campaigns/${campaign.campaign_id}`,
    token: vendorKey,
  });

  // Every conversion of the vendor: the three campaigns, every version.
  const conversionPage = await http.json<{ data: Array<Omit<DemoConversion, 'shares'> & { touches: Array<{ partner_id: number; touch_value: string | null }> }> }>({
    step: 'read the conversions',
    method: 'GET',
    path: '/v1/conversions?limit=100',
    token: vendorKey,
  });
  const conversions: DemoConversion[] = conversionPage.data
    .map((c) => ({
      conversion_event_id: c.conversion_event_id,
      source: c.source,
      transaction_id: c.transaction_id,
      partner_id: c.partner_id,
      campaign_id: c.campaign_id,
      campaign_version_id: c.campaign_version_id,
      currency: c.currency,
      status: c.status,
      event_value: c.event_value,
      refunded_amount: c.refunded_amount,
      commission_amount: c.commission_amount,
      shares: sharesOf(c.touches, c.currency),
    }))
    .sort((a, b) => a.conversion_event_id - b.conversion_event_id);

  // Per campaign: partner rows carry their currency, totals are one entry per currency (docs/money.md).
  const attribution: DemoReport['attribution'] = { model: campaign.attribution_model, models: [], partners: [], totals: [] };
  for (const campaignId of campaignIds) {
    const page = await http.json<{ models: string[]; partners: Array<Record<string, string | number>>; totals: Array<Record<string, string>> }>({
      step: `read campaign ${campaignId}'s attribution report`,
      method: 'GET',
      path: `/v1/reports/attribution?campaign_id=${campaignId}`,
      token: vendorKey,
    });
    attribution.models = page.models;
    attribution.partners.push(...page.partners.map((p) => ({ ...p, name: nameOf.get(Number(p.partner_id)) ?? String(p.name) })));
    attribution.totals.push(...page.totals);
  }

  const payouts: DemoPayout[] = [];
  for (const partner of partners) {
    const page = await http.json<{ data: Array<{ payout_id: number; partner_id: number; currency: string; amount: string; provider: string; status: string; start_date: string; conversions: unknown[] }> }>({
      step: `read ${partner.name}'s payouts`,
      method: 'GET',
      path: `/v1/admin/payouts?partner_id=${partner.partner_id}`,
      token: adminToken,
    });
    for (const p of page.data) {
      payouts.push({ payout_id: p.payout_id, partner_id: p.partner_id, currency: p.currency, amount: p.amount, provider: p.provider, status: p.status, conversions: p.conversions.length });
    }
  }
  payouts.sort((a, b) => a.payout_id - b.payout_id);

  const unattributed = await http.json<{ data: DemoReport['unattributed'] }>({
    step: 'read the sales kept without a commission',
    method: 'GET',
    path: '/v1/unattributed-conversions?reason=currency_mismatch',
    token: vendorKey,
  });

  const reconciliation = await http.json<{ balanced: boolean; violations: unknown[]; money: DemoReport['reconciliation']['money'] }>({
    step: 'read the reconciliation',
    method: 'GET',
    path: '/v1/admin/reconciliation',
    token: adminToken,
  });

  const counted = partnerTotals.reduce((n, p) => n + p.total_clicks, 0);
  const tierText = (tiers: typeof terms.tiers) => tiers.map((t) => `${t.label} ${t.reward_value} % from $${t.min_amount}`).join(', ');
  const report: DemoReport = {
    runId,
    baseUrl: http.baseUrl,
    vendor: { vendor_id: vendor.vendor_id, name: vendor.name, email: vendorEmail },
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
    otherCampaigns,
    partners: partners.map(({ apiKey: _key, ...p }) => p),
    clicks: { expected, fired: observed.reduce((n, o) => n + o.length, 0), clickIds: clickIds.size, handedOut: [...clickIds], filtered, counted },
    deliveries,
    unattributed: unattributed.data.map((u) => ({ transaction_id: u.transaction_id, currency: u.currency, event_value: u.event_value, reason: u.reason, refusal: u.refusal })),
    integrations: { stripe: stripe.integration_id, shopify: shopify.integration_id, stripeJpy: stripeJpy.integration_id },
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
  const expectedConversions = sales.length;
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
