// 338 lines: one Chromium session over the platform and a shop stand-in, whose set-up is most of the file; split, each part would start both again.
/**
 * The merchant's side in a real browser (Debian's Chromium driven by playwright-core): a shopper
 * follows a partner's short link on the platform (127.0.0.1) to a shop (localhost, another host),
 * whose pages load the platform's `/js/track.v1.js` (pinned by its integrity hash) and
 * `/js/track.js`. The shop's server reads the click id the script kept in the shop's own cookie
 * and reports the sale with a signed Stripe or Shopify webhook; the conversion must be attributed
 * to the partner, as read back through the API. Also: consent, last click, the funnel beacon.
 *
 * Skipped, loudly, only when /usr/bin/chromium is missing (CI installs Debian's `chromium`).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trackingScriptIntegrity } from '../../functions/tracking-script/tracking-script-bundle.generated.js';
import { BEACON_PATH } from '../../functions/tracking-script/browser/create-affiliate.js';
import { TRACKING_SCRIPT_VERSION } from '../../functions/tracking-script/tracking-script-version.js';
import { createStripeIntegration } from '../../lib/demo/create-stripe-integration.js';
import type { DemoHttp } from '../../lib/demo/demo-http.js';
import type { LocalPlatform } from '../../lib/local/start-local-platform.js';
import { routes } from '../../lib/resources.js';
import { hasChromium, startBrowserPlatform, type BrowserPlatform } from '../support/browser/start-browser-platform.js';
import { startTestShop, type TestShop } from '../support/stand-ins/test-shop.js';
import { createCampaign } from '../../lib/demo/create-campaign.js';

const chromiumPresent = hasChromium('The tracking script');
// The funnel beacon (issue 12) is another branch's route; this part runs once it is declared.
const beaconDeclared = routes.some((route) => route.method === 'POST' && route.path === BEACON_PATH);
if (chromiumPresent && !beaconDeclared) {
  console.warn(`\n!!! test/browser: no POST ${BEACON_PATH} route in lib/resources.ts yet: the funnel part is skipped until the beacon is merged. !!!\n`);
}

const COOKIE_WINDOW_DAYS = 7;
// Headless Chromium says "HeadlessChrome" in its user agent, which the redirect's bot list
// (rightly) refuses to count: shoppers get a desktop browser's agent. Each shopper's differs (a
// build number), since every one comes from 127.0.0.1 and the redirect would otherwise see one
// visitor repeating a click and hand back the first visit's click id.
let shoppers = 0;
const shopperAgent = () => `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.${6778 + ++shoppers}.85 Safari/537.36`;

interface Conversion {
  source: string;
  partner_id: number;
  click_id: string | null;
  event_value: string | null;
  transaction_id: string | null;
  attribution_type: string;
}

describe.skipIf(!chromiumPresent)('the tracking script in Chromium', () => {
  let platform: LocalPlatform;
  let http: DemoHttp;
  let shop: TestShop;
  let browser: Browser;
  let started: BrowserPlatform | undefined;
  let vendorKey: string;
  let partnerId: number;
  let campaignId: number;
  let shortCode: string;

  beforeAll(async () => {
    started = await startBrowserPlatform({ dataDirPrefix: 'browser-' });
    ({ platform, browser, http } = started);
    const runId = randomBytes(3).toString('hex');

    // The shop must exist first: the campaign's destination is its landing page.
    const stripeSecret = `whsec_${randomBytes(24).toString('base64url')}`;
    const shopifySecret = randomBytes(32).toString('hex');
    const integrations = {
      platformUrl: platform.url,
      stripe: { integrationId: 0, secret: stripeSecret },
      shopify: { integrationId: 0, secret: shopifySecret, shopDomain: `browser-${runId}.myshopify.com` },
    };
    shop = await startTestShop({ integrations, scriptIntegrity: trackingScriptIntegrity.iife, scriptVersion: TRACKING_SCRIPT_VERSION });

    const vendor = await http.json<{ vendor_id: number; api_key: string }>({
      step: 'create the vendor',
      method: 'POST',
      path: '/v1/admin/vendors',
      token: platform.adminToken,
      body: { name: `Browser shop ${runId}`, email: `owner+${runId}@shop.example`, website_url: shop.url },
    });
    vendorKey = vendor.api_key;
    const campaign = await createCampaign(http, vendorKey, {
      name: `Trail runners ${runId}`,
      destination_url: `${shop.url}/landing`,
      default_commission_type: 'percentage',
      default_commission_value: '10.00',
      attribution_model: 'last_click',
      cookie_duration_days: COOKIE_WINDOW_DAYS,
      is_public: false,
    });
    campaignId = campaign.campaign_id;
    const partner = await http.json<{ partner_id: number; api_key: string }>({
      step: 'create the partner',
      method: 'POST',
      path: '/v1/admin/partners',
      token: platform.adminToken,
      body: { name: 'Paula Partner', email: `paula+${runId}@partners.example` },
    });
    partnerId = partner.partner_id;
    await http.json({ step: 'enroll', method: 'POST', path: `/v1/campaigns/${campaignId}/partners`, token: vendorKey, body: { partner_id: partnerId } });
    const link = await http.json<{ short_code: string }>({
      step: 'create the link',
      method: 'POST',
      path: '/v1/partner/links',
      token: partner.api_key,
      body: { campaign_id: campaignId, link_label: 'Review' },
    });
    shortCode = link.short_code;
    const stripe = await createStripeIntegration(http, { vendorKey, name: 'Stripe', campaignId, signingSecret: stripeSecret });
    const shopify = await http.json<{ integration_id: number }>({
      step: 'create the Shopify integration',
      method: 'POST',
      path: '/v1/integrations',
      token: vendorKey,
      body: { type: 'shopify', name: 'Shopify', campaign_id: campaignId, config: { signing_secret: shopifySecret, shop_domain: integrations.shopify.shopDomain } },
    });
    integrations.stripe.integrationId = stripe.integration_id;
    integrations.shopify.integrationId = shopify.integration_id;
  }, 180_000);

  afterAll(async () => {
    await shop?.close();
    await started?.close();
  });

  /** A new shopper (fresh cookies) who follows the partner's short link to the shop's landing page. */
  async function shopperFollowsLink(mode: 'stripe' | 'shopify'): Promise<{ context: BrowserContext; page: Page; clickId: string; failures: string[] }> {
    const context = await browser.newContext({ userAgent: shopperAgent() });
    await context.addCookies([{ name: 'shop_mode', value: mode, url: shop.url }]);
    const page = await context.newPage();
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    page.on('response', (response) => {
      // Until the beacon is merged its POSTs answer 404; every other request must succeed.
      const beacon = new URL(response.url()).pathname === BEACON_PATH;
      if (response.status() >= 400 && (beaconDeclared || !beacon)) failures.push(`${response.status()} ${response.url()}`);
    });
    const response = await page.goto(`${platform.url}/${shortCode}`);
    expect(response?.status()).toBe(200);
    const landed = new URL(page.url());
    expect(landed.origin).toBe(shop.url);
    expect(landed.pathname).toBe('/landing');
    const clickId = landed.searchParams.get('aff_click_id');
    expect(clickId).toMatch(/^[0-9a-f-]{36}$/);
    // The pinned script ran: its integrity hash matched the served bytes.
    await page.waitForFunction(() => typeof (globalThis as unknown as { affiliate?: unknown }).affiliate === 'object');
    return { context, page, clickId: clickId!, failures };
  }

  async function settle(): Promise<void> {
    await platform.drain(60_000);
  }

  async function conversionsOf(source: string): Promise<Conversion[]> {
    const page = await http.json<{ data: Conversion[] }>({ step: 'list conversions', method: 'GET', path: `/v1/conversions?campaign_id=${campaignId}`, token: vendorKey });
    return page.data.filter((c) => c.source === source);
  }

  /** The next whole second: Stripe's `created` has whole seconds and a sale must not precede its click. */
  const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));

  it('keeps the click id first-party on the shop and the Stripe checkout is attributed to the partner', async () => {
    const { context, page, clickId, failures } = await shopperFollowsLink('stripe');

    // The cookie lives on the shop's host only, for the campaign's window, readable by the shop.
    const cookies = await context.cookies();
    const shopCookie = cookies.find((c) => c.name === 'aff_click_id');
    expect(shopCookie).toMatchObject({ value: clickId, domain: 'localhost', path: '/', sameSite: 'Lax', httpOnly: false, secure: false });
    const windowSeconds = shopCookie!.expires - Date.now() / 1000;
    expect(windowSeconds).toBeGreaterThan(COOKIE_WINDOW_DAYS * 86_400 - 120);
    expect(windowSeconds).toBeLessThanOrEqual(COOKIE_WINDOW_DAYS * 86_400 + 1);
    // The platform's own cookie stays on the platform's host; nothing of ours on the shop's but the click id.
    expect(cookies.filter((c) => c.domain === '127.0.0.1').map((c) => c.name)).toEqual(['aff_cid']);
    expect(cookies.filter((c) => c.domain === 'localhost').map((c) => c.name).sort()).toEqual(['aff_click_id', 'shop_mode']);

    // Second page: no click id in the URL; the script finds it in the cookie and decorates.
    await page.click('#to-product');
    await page.waitForURL(`${shop.url}/product`);
    await page.waitForFunction(() => typeof (globalThis as unknown as { affiliate?: unknown }).affiliate === 'object');
    expect(await page.evaluate(() => (globalThis as unknown as { affiliate: { clickId(): string | null } }).affiliate.clickId())).toBe(clickId);
    const payLink = new URL((await page.getAttribute('#pay-link', 'href'))!);
    expect(payLink.origin).toBe('https://buy.stripe.com');
    expect(payLink.searchParams.get('client_reference_id')).toBe(clickId);
    expect(payLink.searchParams.get('prefilled_email')).toBe('a@b.example');

    await nextSecond();
    await page.click('#buy');
    await page.waitForURL(`${shop.url}/checkout`);
    expect(await page.textContent('#status')).toBe('200');
    const checkout = shop.checkouts.at(-1)!;
    expect(checkout).toMatchObject({ provider: 'stripe', cookieClickId: clickId, formClickId: clickId, sentClickId: clickId, webhookStatus: 200 });
    expect(JSON.parse(checkout.webhookBody)).toMatchObject({ received: true, enqueued: 1 });

    await settle();
    const [sale, ...others] = await conversionsOf('stripe');
    expect(others).toEqual([]);
    // $99.99 at 10 %, last click: the partner behind the short link.
    expect(sale).toMatchObject({ partner_id: partnerId, click_id: clickId, event_value: '99.99' });
    expect(failures).toEqual([]);
    await context.close();
  });

  it('writes the Shopify cart attribute and the orders/paid webhook built from it is attributed', async () => {
    const { context, page, clickId, failures } = await shopperFollowsLink('shopify');
    await page.click('#to-product');
    await page.waitForURL(`${shop.url}/product`);
    // The script posts the attribute on each page that knows the click id.
    await expect.poll(() => [...shop.carts.values()].some((cart) => cart.aff_click_id === clickId)).toBe(true);
    const cartToken = (await context.cookies()).find((c) => c.name === 'cart')?.value;
    expect(shop.carts.get(cartToken!)).toEqual({ aff_click_id: clickId });

    await nextSecond();
    await page.click('#buy');
    await page.waitForURL(`${shop.url}/checkout`);
    expect(await page.textContent('#status')).toBe('200');
    const checkout = shop.checkouts.at(-1)!;
    expect(checkout).toMatchObject({ provider: 'shopify', cookieClickId: clickId, sentClickId: clickId, webhookStatus: 200 });

    await settle();
    const sales = await conversionsOf('shopify');
    expect(sales).toHaveLength(1);
    expect(sales[0]).toMatchObject({ partner_id: partnerId, click_id: clickId, event_value: '99.99' });
    expect(failures).toEqual([]);
    await context.close();
  });

  it('stores nothing before consent(true), stores the click id after, and consent(false) removes it', async () => {
    const context = await browser.newContext({ userAgent: shopperAgent() });
    const page = await context.newPage();
    const sentToPlatform: string[] = [];
    page.on('request', (request) => {
      if (request.url().startsWith(platform.url) && !request.url().includes('/js/')) sentToPlatform.push(`${request.method()} ${request.url()}`);
    });
    const clickId = randomUUID();
    await page.goto(`${shop.url}/consent?aff_click_id=${clickId}&aff_cw=3`);
    await page.waitForFunction(() => typeof (globalThis as unknown as { affiliate?: unknown }).affiliate === 'object');
    type Api = { affiliate: { clickId(): string | null; consent(granted: boolean): void; track(type: string): boolean } };

    expect(await context.cookies()).toEqual([]);
    expect(await page.evaluate(() => (globalThis as unknown as Api).affiliate.clickId())).toBeNull();
    expect(await page.evaluate(() => (globalThis as unknown as Api).affiliate.track('page_view'))).toBe(false);

    // Nothing left the page for the platform either (no page_view beacon).
    expect(sentToPlatform).toEqual([]);

    await page.evaluate(() => (globalThis as unknown as Api).affiliate.consent(true));
    const stored = (await context.cookies()).find((c) => c.name === 'aff_click_id');
    expect(stored?.value).toBe(clickId);
    // aff_cw=3 from the redirect sets the window.
    expect(stored!.expires - Date.now() / 1000).toBeGreaterThan(3 * 86_400 - 120);
    expect(stored!.expires - Date.now() / 1000).toBeLessThanOrEqual(3 * 86_400 + 1);

    await page.evaluate(() => (globalThis as unknown as Api).affiliate.consent(false));
    expect(await context.cookies()).toEqual([]);
    expect(await page.evaluate(() => (globalThis as unknown as Api).affiliate.clickId())).toBeNull();
    // At most the page_view sent after consent(true) (once the beacon route exists).
    expect(sentToPlatform.length).toBeLessThanOrEqual(1);
    expect(sentToPlatform.every((request) => request === `POST ${platform.url}/e`)).toBe(true);
    await context.close();
  });

  it('keeps the last click: a newer click id replaces the stored one, a malformed one is ignored', async () => {
    const context = await browser.newContext({ userAgent: shopperAgent() });
    const page = await context.newPage();
    const [older, newer] = [randomUUID(), randomUUID()];
    await page.goto(`${shop.url}/landing?aff_click_id=${older}`);
    await page.waitForFunction(() => typeof (globalThis as unknown as { affiliate?: unknown }).affiliate === 'object');
    await page.goto(`${shop.url}/landing?aff_click_id=${newer}`);
    await page.waitForFunction(() => typeof (globalThis as unknown as { affiliate?: unknown }).affiliate === 'object');
    await page.goto(`${shop.url}/landing?aff_click_id=${encodeURIComponent('x; Domain=example.com')}`);
    await page.waitForFunction(() => typeof (globalThis as unknown as { affiliate?: unknown }).affiliate === 'object');
    const cookies = (await context.cookies()).filter((c) => c.name === 'aff_click_id');
    expect(cookies.map((c) => c.value)).toEqual([newer]);
    // No aff_cw on the URL: the default 30-day window.
    expect(cookies[0]!.expires - Date.now() / 1000).toBeGreaterThan(30 * 86_400 - 120);
    await context.close();
  });

  it.skipIf(!beaconDeclared)('a page view and an add-to-cart from the script appear in the funnel report', async () => {
    // One shopper only browses (the script's automatic page_view), another adds to the cart.
    const browsing = await shopperFollowsLink('stripe');
    await browsing.page.click('#to-product');
    await browsing.page.waitForURL(`${shop.url}/product`);
    await browsing.context.close();

    const { context, page, failures } = await shopperFollowsLink('stripe');
    await page.click('#to-product');
    await page.waitForURL(`${shop.url}/product`);
    await page.waitForFunction(() => typeof (globalThis as unknown as { affiliate?: unknown }).affiliate === 'object');
    const sent = await page.evaluate(() => (globalThis as unknown as { affiliate: { track(type: string, data?: object): boolean } }).affiliate.track('add_to_cart', { value: '129.90', currency: 'USD' }));
    expect(sent).toBe(true);
    await context.close();

    // Journeys by furthest stage: the two buyers above end at sale.
    await expect
      .poll(
        async () => {
          await settle();
          const report = await http.json<{ stages: { stage: string; journeys_ending_here: number }[] }>({
            step: 'funnel report',
            method: 'GET',
            path: `/v1/reports/funnel?campaign_id=${campaignId}`,
            token: vendorKey,
          });
          return Object.fromEntries(report.stages.map((s) => [s.stage, s.journeys_ending_here]));
        },
        { timeout: 30_000, interval: 500 },
      )
      .toMatchObject({ page_view: 1, add_to_cart: 1, sale: 2 });
    expect([...browsing.failures, ...failures]).toEqual([]);
  });
});
