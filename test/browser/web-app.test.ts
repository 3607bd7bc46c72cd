/**
 * The web app end to end in a real browser (Debian's Chromium driven by playwright-core), on the
 * whole platform started in this process: a partner signs up from the outbox link, is approved in
 * the operator console, applies and is accepted in the vendor dashboard, creates a link; a shopper
 * (a second browser context) clicks it; the shop's sale arrives as a signed Stripe webhook; the
 * partner sees the click, the conversion and the earning; the vendor approves the conversion; the
 * operator runs and confirms the payout; the partner sees it paid. Every page is shot at desktop
 * (1280) and phone (375) width into test-output/screenshots/ (not committed).
 *
 * Skipped, loudly, only when /usr/bin/chromium is missing (CI installs Debian's `chromium`).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStripeIntegration } from '../../lib/demo/create-stripe-integration.js';
import type { DemoHttp } from '../../lib/demo/demo-http.js';
import type { LocalPlatform } from '../../lib/local/start-local-platform.js';
import { hasChromium, startBrowserPlatform, type BrowserPlatform } from '../support/browser/start-browser-platform.js';
import { latestMessageTo } from '../support/outbox.js';
import { createCampaign } from '../../lib/demo/create-campaign.js';

const chromiumPresent = hasChromium('The web app');

const SCREENSHOTS = join(process.cwd(), 'test-output', 'screenshots');
// The local platform's default operator address (OPERATOR_EMAILS unset).
const OPERATOR_EMAIL = 'operator@localhost';
// Headless Chromium says "HeadlessChrome", which the redirect rightly counts as a bot.
const SHOPPER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.85 Safari/537.36';

describe.skipIf(!chromiumPresent)('the web app in Chromium', () => {
  let platform: LocalPlatform;
  let dataDir: string;
  let http: DemoHttp;
  let browser: Browser;
  let started: BrowserPlatform | undefined;
  const contexts: BrowserContext[] = [];
  const runId = randomBytes(3).toString('hex');
  const partnerEmail = `paula+${runId}@partners.example`;
  const vendorEmail = `owner+${runId}@shop.example`;
  const stripeSecret = `whsec_${randomBytes(24).toString('base64url')}`;
  let vendorKey: string;
  let campaignId: number;
  let campaignName: string;
  let integrationId: number;
  /** Browser-side problems (uncaught errors, CSP violations, failed requests) per role. */
  const failures: string[] = [];
  let shots = 0;
  /** The vendor's shop: another host (localhost) than the platform (127.0.0.1). */
  let shopServer: Server;
  let SHOP: string;

  beforeAll(async () => {
    delete process.env.OPERATOR_EMAILS;
    shopServer = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end('<!doctype html><title>Shop</title><h1>Trail shoes</h1>');
    });
    await new Promise<void>((resolve) => shopServer.listen(0, '127.0.0.1', resolve));
    SHOP = `http://localhost:${(shopServer.address() as AddressInfo).port}`;
    // This run's shots only: a renumbered page must not leave an older file beside the new one.
    await rm(SCREENSHOTS, { recursive: true, force: true });
    await mkdir(SCREENSHOTS, { recursive: true });
    started = await startBrowserPlatform({ dataDirPrefix: 'web-app-', webApp: true });
    ({ platform, browser, http, dataDir } = started);
    // The vendor's set-up is not this test's subject: it goes through the API.
    const vendor = await http.json<{ vendor_id: number; api_key: string }>({
      step: 'create the vendor',
      method: 'POST',
      path: '/v1/admin/vendors',
      token: platform.adminToken,
      body: { name: `Trail shop ${runId}`, email: vendorEmail, website_url: SHOP },
    });
    vendorKey = vendor.api_key;
    campaignName = `Trail runners ${runId}`;
    const campaign = await createCampaign(http, vendorKey, {
      name: campaignName,
      description: 'Running shoes for trails and mountains.',
      destination_url: `${SHOP}/landing`,
      default_commission_type: 'percentage',
      default_commission_value: '10.00',
      attribution_model: 'last_click',
      cookie_duration_days: 30,
      approval_required: true,
      is_public: true,
    });
    campaignId = campaign.campaign_id;
    const integration = await createStripeIntegration(http, { vendorKey, name: 'Stripe', campaignId, signingSecret: stripeSecret });
    integrationId = integration.integration_id;
  }, 180_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await started?.close();
    await new Promise((resolve) => shopServer?.close(resolve));
  });

  async function newPage(role: string, options: { userAgent?: string } = {}): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => failures.push(`${role}: ${error.message}`));
    page.on('console', (message) => {
      // A CSP violation is reported on the console: the app must need no inline script or style.
      // Failed requests are judged below, with their URL.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) failures.push(`${role} console: ${message.text()}`);
    });
    page.on('response', (response) => {
      const { pathname } = new URL(response.url());
      // Before signing in, "who am I" is a 401 by design; browsers ask for a favicon on their own.
      const expected = (response.status() === 401 && pathname === '/v1/auth/session') || pathname === '/favicon.ico';
      if (response.status() >= 400 && !expected) failures.push(`${role}: ${response.status()} ${response.request().method()} ${pathname}`);
    });
    return { context, page };
  }

  /** The page at desktop and phone width; the phone shot also proves nothing overflows sideways (tables scroll in their own region). */
  async function shoot(page: Page, name: string): Promise<void> {
    const file = `${String(++shots).padStart(2, '0')}-${name}`;
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: join(SCREENSHOTS, `${file}-desktop.png`), fullPage: true });
    await page.setViewportSize({ width: 375, height: 812 });
    await page.waitForTimeout(150); // the charts follow their container's width
    await page.screenshot({ path: join(SCREENSHOTS, `${file}-phone.png`), fullPage: true });
    const overflow = await page.evaluate(() => {
      const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
      return root.scrollWidth - root.clientWidth;
    });
    expect(overflow, `${name} is wider than a 375 px phone`).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  /** Asks for a sign-in link on the app's sign-in page and opens it from the outbox. */
  async function signIn(page: Page, email: string, role: 'partner' | 'vendor' | 'operator'): Promise<void> {
    await page.goto(`${platform.url}/app/sign-in`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('I am a').selectOption(role);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await page.getByTestId('sent-to').or(page.getByRole('alert')).first().waitFor();
    expect(await page.getByRole('alert').allTextContents()).toEqual([]);
    expect(await page.getByTestId('sent-to').textContent()).toBe(email);
    const message = await latestMessageTo(dataDir, email);
    expect(message?.link, `no sign-in link to ${email} in the outbox`).toMatch(/\/app\/sign-in#token=/);
    await page.goto(message!.link!);
    await expect.poll(() => page.getByTestId('signed-in-as').textContent()).toBe(`${email} (${role})`);
  }

  const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name });

  it('takes a partner from sign-up to a paid payout, every step in the browser', async () => {
    // 1. The partner signs up and opens the link the email holds.
    const partner = await newPage('partner');
    const p = partner.page;
    await p.goto(`${platform.url}/app/`);
    await heading(p, 'Sign in').waitFor();
    await shoot(p, 'sign-in');
    await p.getByRole('link', { name: 'Sign up' }).click();
    await heading(p, 'Become a partner').waitFor();
    await p.getByLabel('Name').fill('Paula Partner');
    await p.getByLabel('Email').fill(partnerEmail);
    await p.getByLabel('Website').fill('https://paula.example/blog');
    await p.getByRole('button', { name: 'Sign up' }).click();
    await expect.poll(() => p.getByTestId('sent-to').textContent()).toBe(partnerEmail);
    await shoot(p, 'sign-up-check-email');
    const welcome = await latestMessageTo(dataDir, partnerEmail);
    expect(welcome?.link).toMatch(/\/app\/sign-in#token=/);
    await p.goto(welcome!.link!);
    await expect.poll(() => p.getByTestId('signed-in-as').textContent()).toBe(`${partnerEmail} (partner)`);
    // The token left the address bar at once.
    expect(new URL(p.url()).hash).toBe('');

    // 2. The operator approves the new partner in the console.
    const operator = await newPage('operator');
    const o = operator.page;
    await signIn(o, OPERATOR_EMAIL, 'operator');
    await o.goto(`${platform.url}/app/operator/partners`);
    await heading(o, 'Partners').waitFor();
    const partnerRow = o.getByRole('row').filter({ hasText: partnerEmail });
    await shoot(o, 'operator-partners');
    const partnerId = Number((await partnerRow.getAttribute('data-testid'))?.replace('partner-', ''));
    await partnerRow.getByRole('button', { name: 'Approve' }).click();
    // The list shows pending partners: the approved one leaves it.
    await expect.poll(() => partnerRow.count()).toBe(0);
    const approved = await http.json<{ status: string }>({ step: 'read the partner', method: 'GET', path: `/v1/admin/partners/${partnerId}`, token: platform.adminToken });
    expect(approved.status).toBe('active');

    // 3. The partner applies in the marketplace.
    await p.goto(`${platform.url}/app/partner/campaigns`);
    await heading(p, 'Campaigns').waitFor();
    const card = p.getByTestId(`campaign-${campaignId}`);
    await card.getByRole('button', { name: 'Apply' }).click();
    await card.getByRole('button', { name: /^Confirm/ }).click();
    await expect.poll(() => card.textContent()).toContain('pending');
    await shoot(p, 'partner-campaigns');

    // 4. The vendor accepts the application in the dashboard.
    const vendor = await newPage('vendor');
    const v = vendor.page;
    await signIn(v, vendorEmail, 'vendor');
    await v.goto(`${platform.url}/app/vendor/applications`);
    await heading(v, /applications/i).waitFor();
    const application = v.getByRole('row').filter({ hasText: campaignName });
    await shoot(v, 'vendor-applications');
    await application.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(async () => (await p.reload(), await card.textContent())).toContain('approved');

    // 5. The partner creates a link with UTM fields and sees its QR code.
    await p.goto(`${platform.url}/app/partner/links`);
    await heading(p, 'Links').waitFor();
    await p.getByLabel('Label').fill('Spring review');
    await p.getByLabel('UTM source').fill('blog');
    await p.getByLabel('UTM medium').fill('article');
    await p.getByRole('button', { name: 'Create link' }).click();
    const linkUrl = (await p.getByTestId('new-link-url').textContent())!;
    expect(linkUrl).toMatch(new RegExp(`^${platform.url}/[A-Za-z0-9]{8}$`));
    await p.getByRole('button', { name: 'QR code' }).first().click();
    await expect.poll(() => p.getByRole('img', { name: /QR code of the link/ }).count()).toBe(1);
    await shoot(p, 'partner-links');

    // 6. A shopper follows the link to the shop, which keeps the click id.
    const shopper = await newPage('shopper', { userAgent: SHOPPER_AGENT });
    await shopper.page.goto(linkUrl);
    const landed = new URL(shopper.page.url());
    expect(landed.origin + landed.pathname).toBe(`${SHOP}/landing`);
    expect(landed.searchParams.get('utm_source')).toBe('blog');
    const clickId = landed.searchParams.get('aff_click_id');
    expect(clickId).toMatch(/^[0-9a-f-]{36}$/);
    await platform.drain(60_000);

    // 7. The shop's $120.00 sale arrives as a Stripe webhook, signed as Stripe signs it.
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20)); // Stripe's `created` has whole seconds
    const event = JSON.parse(readFileSync(join(process.cwd(), 'events/stripe/checkout.session.completed.json'), 'utf8')) as {
      id: string;
      created: number;
      data: { object: Record<string, unknown> };
    };
    const transactionId = randomUUID().replace(/-/g, '');
    event.id = `evt_${transactionId}`;
    event.created = Math.floor(Date.now() / 1000);
    Object.assign(event.data.object, {
      id: `cs_test_${transactionId}`,
      payment_intent: `pi_${transactionId}`,
      created: event.created,
      client_reference_id: clickId,
      amount_total: 12000,
      amount_subtotal: 12000,
      currency: 'usd',
      metadata: { order_number: transactionId },
    });
    const payload = JSON.stringify(event);
    const signature = new Stripe('sk_test_web_app').webhooks.generateTestHeaderString({ payload, secret: stripeSecret });
    const delivered = await fetch(`${platform.url}/webhooks/stripe/${integrationId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      body: payload,
    });
    expect(delivered.status, await delivered.text()).toBeLessThan(300);
    await platform.drain(60_000);

    // 8. The partner sees the click, the conversion and the earning.
    await p.goto(`${platform.url}/app/partner`);
    await heading(p, 'Dashboard').waitFor();
    await expect.poll(() => p.getByTestId('total-clicks').textContent()).toBe('1');
    expect(await p.getByTestId('total-conversions').textContent()).toBe('1');
    expect(await p.getByTestId('earned-USD').textContent()).toContain('12.00 USD');
    await p.getByTestId('activity-chart').locator('canvas').first().waitFor();
    await shoot(p, 'partner-dashboard');
    await p.goto(`${platform.url}/app/partner/conversions`);
    const conversionRow = p.getByTestId('conversions-table').getByRole('row').nth(1);
    await expect.poll(() => conversionRow.textContent()).toContain('pending');
    expect(await conversionRow.textContent()).toContain('120.00 USD');
    await shoot(p, 'partner-conversions');

    // 9. The partner adds where to be paid; the vendor approves the conversion.
    await p.goto(`${platform.url}/app/partner/payment-methods`);
    await p.getByLabel('Provider').selectOption('wire');
    await p.getByLabel('Account holder').fill('Paula Partner');
    await p.getByLabel('IBAN').fill('DE89370400440532013000');
    await p.getByLabel('BIC').fill('COBADEFFXXX');
    await p.getByLabel('Use for payouts').check();
    await p.getByRole('button', { name: 'Add payment method' }).click();
    const method = p.getByTestId('payment-methods-table').getByRole('row').nth(1);
    await expect.poll(() => method.textContent()).toContain('3000');
    expect(await method.textContent()).not.toContain('DE89370400440532013000'); // masked
    await shoot(p, 'partner-payment-methods');

    await v.goto(`${platform.url}/app/vendor/conversions`);
    await heading(v, 'Conversions').waitFor();
    const pending = v.getByRole('row').filter({ hasText: '120.00' });
    await shoot(v, 'vendor-conversions');
    await pending.getByRole('button', { name: 'Approve' }).click();
    // The list may show pending conversions only: the API says what the click did.
    await expect
      .poll(async () => {
        const page = await http.json<{ data: { status: string; commission_amount: string }[] }>({
          step: 'read the conversions',
          method: 'GET',
          path: `/v1/conversions?campaign_id=${campaignId}`,
          token: vendorKey,
        });
        return page.data.map((c) => `${c.status} ${c.commission_amount}`);
      })
      .toEqual(['approved 12.00']);
    const approvedAt = Date.now();

    // The operator verifies the new bank account in the console.
    const methodId = await p.evaluate(async () => {
      const response = await fetch('/v1/partner/payment-methods');
      return ((await response.json()) as { data: { partner_payment_method_id: number }[] }).data[0]!.partner_payment_method_id;
    });
    await o.goto(`${platform.url}/app/operator/payment-methods`);
    await heading(o, 'Payment methods').waitFor();
    const toVerify = o.getByTestId(`payment-method-${methodId}`);
    expect(await toVerify.textContent()).not.toContain('DE89370400440532013000'); // masked for the operator too
    await shoot(o, 'operator-payment-methods');
    await toVerify.getByRole('button', { name: 'Verify' }).click();
    const yes = toVerify.getByRole('button', { name: 'Yes, verify' });
    if (await yes.count()) await yes.click();
    await expect
      .poll(() =>
        p.evaluate(async () => {
          const response = await fetch('/v1/partner/payment-methods');
          return ((await response.json()) as { data: { is_verified: boolean }[] }).data[0]!.is_verified;
        }),
      )
      .toBe(true);

    // 10. The operator runs the payouts "until now" (a minute back), approves and confirms.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, approvedAt + 62_000 - Date.now())));
    await o.goto(`${platform.url}/app/operator/payouts`);
    await heading(o, 'Payouts').waitFor();
    await o.getByLabel('Period').selectOption('until now');
    await o.getByLabel(/Minimum per payout/).fill('1');
    await o.getByRole('button', { name: 'Run payouts' }).click();
    const payoutRow = o.getByRole('row').filter({ hasText: '12.00' });
    await expect.poll(() => payoutRow.count()).toBe(1);
    await payoutRow.getByRole('button', { name: 'Approve' }).click();
    await payoutRow.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => payoutRow.textContent()).toContain('completed');
    await shoot(o, 'operator-payouts');

    // 11. The partner sees it paid.
    await p.goto(`${platform.url}/app/partner/payouts`);
    const payout = p.getByTestId('payouts-table').getByRole('row').nth(1);
    await expect.poll(() => payout.textContent()).toContain('paid');
    expect(await payout.textContent()).toContain('12.00 USD');
    await shoot(p, 'partner-payouts');

    expect(failures).toEqual([]);
  }, 300_000);
});
