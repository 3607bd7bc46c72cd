/**
 * The demo's first act, as the operator and the vendor would do it through the API: a vendor, its
 * tiered USD campaign and commission rule, three partners (two vetted by the operator, one signing
 * up itself) enrolled with a link each, a EUR and a JPY campaign with one partner each, and the
 * Stripe and Shopify integrations whose secrets the shop signs its webhooks with.
 */
import { randomBytes } from 'node:crypto';
import { createStripeIntegration } from './create-stripe-integration.js';
import { DemoStepError, type DemoHttp } from './demo-http.js';
import type { DemoPartner, DemoReport } from './demo-report.js';
import { createCampaign } from './create-campaign.js';

const partnerSpecs = [
  { name: 'Alice Trail Blog', tier: 'gold' },
  { name: 'Bob Runs Reviews', tier: 'silver' },
  { name: 'Carol Outdoor Deals', tier: 'standard' },
] as const;

/** A webhook endpoint and the secret the shop signs for it. */
export interface DemoIntegration {
  integration_id: number;
  secret: string;
}

export interface DemoProgram {
  vendor: { vendor_id: number; name: string; /** The owner's address (web sign-in). */ email: string };
  vendorKey: string;
  campaign: { campaign_id: number; campaign_version_id: number; name: string; attribution_model: string };
  rule: { commission_rule_id: number; name: string; conditions: { min_event_value?: string }; actions: { bonus_flat?: string } };
  partners: Array<DemoPartner & { apiKey: string }>;
  /** The EUR campaign (Alice's) and the JPY one (Bob's). */
  otherCampaigns: [DemoReport['otherCampaigns'][number], DemoReport['otherCampaigns'][number]];
  /** Short codes: 0-2 the USD campaign's (Alice, Bob, Carol); 3 Alice's EUR link; 4 Bob's JPY link. */
  codes: string[];
  integrations: { stripe: DemoIntegration; stripeJpy: DemoIntegration; shopify: DemoIntegration & { shopDomain: string } };
}

/** Sets up run `runId`'s programme; names carry the run id, so runs never collide. */
export async function setUpDemoProgram({ http, adminToken, runId }: { http: DemoHttp; adminToken: string; runId: string }): Promise<DemoProgram> {
  const vendorEmail = `owner+${runId}@demo-outdoors.example`;
  const created = await http.json<{ vendor_id: number; name: string; api_key: string }>({
    step: 'create the vendor',
    method: 'POST',
    path: '/v1/admin/vendors',
    token: adminToken,
    body: { name: `Demo Outdoors ${runId}`, email: vendorEmail, website_url: 'https://shop.example.com', owner_name: 'Dana Demo' },
  });
  const vendor = { ...created, email: vendorEmail };
  const vendorKey = vendor.api_key;

  const campaign = await createCampaign<{ campaign_id: number; campaign_version_id: number; name: string; attribution_model: string }>(http, vendorKey, {
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
    const created = await createCampaign<{ campaign_id: number; name: string; currency: string; default_commission_value: string }>(http, vendorKey, {
      name: `Trail runners ${currency} ${runId}`,
      destination_url: `https://shop.example.com/${currency.toLowerCase()}/trail-runners`,
      currency,
      default_commission_type: 'percentage',
      default_commission_value: '10.00',
      attribution_model: 'last_click',
      cookie_duration_days: 30,
      approval_hold_days: 0,
      is_public: false,
    }, `create the ${currency} campaign`);
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
  const stripe = await createStripeIntegration(http, { vendorKey, name: 'Stripe checkout', campaignId: campaign.campaign_id, signingSecret: stripeSecret });
  const shopify = await http.json<{ integration_id: number }>({
    step: 'create the Shopify integration',
    method: 'POST',
    path: '/v1/integrations',
    token: vendorKey,
    body: { type: 'shopify', name: 'Shopify store', campaign_id: campaign.campaign_id, config: { signing_secret: shopifySecret, shop_domain: shopDomain } },
  });
  // The JPY shop has its own Stripe account.
  const stripeJpySecret = `whsec_${randomBytes(24).toString('base64url')}`;
  const stripeJpy = await createStripeIntegration(http, {
    step: 'create the JPY Stripe integration',
    vendorKey,
    name: 'Stripe checkout (Japan)',
    campaignId: jpyCampaign.campaign_id,
    signingSecret: stripeJpySecret,
  });

  return {
    vendor: { vendor_id: vendor.vendor_id, name: vendor.name, email: vendor.email },
    vendorKey,
    campaign,
    rule,
    partners,
    otherCampaigns: [eurCampaign, jpyCampaign],
    codes,
    integrations: {
      stripe: { integration_id: stripe.integration_id, secret: stripeSecret },
      stripeJpy: { integration_id: stripeJpy.integration_id, secret: stripeJpySecret },
      shopify: { integration_id: shopify.integration_id, secret: shopifySecret, shopDomain },
    },
  };
}
