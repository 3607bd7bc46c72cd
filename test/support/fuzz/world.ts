/**
 * A small tenant for one fuzzed route, created through the API itself: a vendor (owner key), an
 * active partner enrolled in one of its campaigns with a link, and a Stripe and a Shopify
 * integration. A fresh one per route, so a route that revokes keys or deletes vendors cannot
 * starve the routes fuzzed after it.
 */
import { randomBytes } from 'node:crypto';
import type { FuzzPlatform } from './fuzz-platform.js';

export interface World {
  vendorId: number;
  vendorUserId: number;
  vendorKey: string;
  partnerId: number;
  partnerKey: string;
  campaignId: number;
  campaignPartnerId: number;
  partnerLinkId: number;
  shortCode: string;
  stripe: { integrationId: number; secret: string };
  shopify: { integrationId: number; secret: string; shopDomain: string };
  /** Every id above: what plausible path and body ids are drawn from. */
  ids: number[];
}

let counter = 0;

async function call(fp: FuzzPlatform, method: string, path: string, token: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fp.send({
    method,
    path,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: Buffer.from(JSON.stringify(body)) } : {}),
  });
  const text = res.body.toString('utf8');
  if (res.status >= 300) throw new Error(`world setup ${method} ${path} -> ${res.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

export async function createWorld(fp: FuzzPlatform): Promise<World> {
  counter += 1;
  const tag = `${Date.now().toString(36)}${counter}`;
  const admin = fp.platform.adminToken;
  const vendor = await call(fp, 'POST', '/v1/admin/vendors', admin, {
    name: `Fuzz vendor ${tag}`,
    email: `fuzz-vendor-${tag}@example.com`,
    website_url: 'https://shop.example.com',
  });
  const partner = await call(fp, 'POST', '/v1/admin/partners', admin, { name: `Fuzz partner ${tag}`, email: `fuzz-partner-${tag}@example.com` });
  if (partner.status !== 'active') await call(fp, 'POST', `/v1/admin/partners/${String(partner.partner_id)}/activate`, admin, {});
  const vendorKey = String(vendor.api_key);
  const partnerKey = String(partner.api_key);
  const campaign = await call(fp, 'POST', '/v1/campaigns', vendorKey, {
    name: `Fuzz campaign ${tag}`,
    destination_url: 'https://shop.example.com/landing',
    default_commission_type: 'percentage',
    default_commission_value: '10.00',
  });
  const enrollment = await call(fp, 'POST', `/v1/campaigns/${String(campaign.campaign_id)}/partners`, vendorKey, { partner_id: partner.partner_id });
  const link = await call(fp, 'POST', '/v1/partner/links', partnerKey, { campaign_id: campaign.campaign_id });
  const stripeSecret = `whsec_${randomBytes(18).toString('base64url')}`;
  const shopifySecret = randomBytes(24).toString('hex');
  const shopDomain = `fuzz-${tag}.myshopify.com`;
  const stripe = await call(fp, 'POST', '/v1/integrations', vendorKey, {
    type: 'stripe',
    name: 'Stripe',
    config: { signing_secret: stripeSecret },
  });
  const shopify = await call(fp, 'POST', '/v1/integrations', vendorKey, {
    type: 'shopify',
    name: 'Shopify',
    config: { signing_secret: shopifySecret, shop_domain: shopDomain },
  });
  const world: World = {
    vendorId: Number(vendor.vendor_id),
    vendorUserId: Number(vendor.vendor_user_id),
    vendorKey,
    partnerId: Number(partner.partner_id),
    partnerKey,
    campaignId: Number(campaign.campaign_id),
    campaignPartnerId: Number(enrollment.campaign_partner_id),
    partnerLinkId: Number(link.partner_link_id),
    shortCode: String(link.short_code),
    stripe: { integrationId: Number(stripe.integration_id), secret: stripeSecret },
    shopify: { integrationId: Number(shopify.integration_id), secret: shopifySecret, shopDomain },
    ids: [],
  };
  world.ids = [...new Set([world.vendorId, world.vendorUserId, world.partnerId, world.campaignId, world.campaignPartnerId, world.partnerLinkId, world.stripe.integrationId, world.shopify.integrationId])];
  return world;
}

/** Whether `world`'s keys, partner and campaign still work (a fuzzed route may have revoked or removed them). */
export async function worldIsIntact(fp: FuzzPlatform, world: World): Promise<boolean> {
  const get = async (path: string, key: string) => {
    const res = await fp.send({ method: 'GET', path, headers: { authorization: `Bearer ${key}` } });
    return res.status === 200 ? (JSON.parse(res.body.toString('utf8')) as Record<string, unknown>) : undefined;
  };
  const [vendor, profile, campaign] = await Promise.all([
    get('/v1/vendor', world.vendorKey),
    get('/v1/partner/profile', world.partnerKey),
    get(`/v1/campaigns/${world.campaignId}`, world.vendorKey),
  ]);
  return vendor?.status === 'active' && profile?.status === 'active' && campaign?.status === 'active';
}
