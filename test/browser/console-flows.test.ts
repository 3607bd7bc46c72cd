/**
 * The vendor dashboard and operator console in Chromium, on the local platform: the operator
 * approves a pending partner, the vendor accepts the partner's application and approves the
 * partner's conversion (its commission explained), the operator verifies the payout destination,
 * runs payouts, confirms the wire, then suspends the partner. Every decision is a click on the
 * button a person would press ("Approve", "Verify", "Run payouts", "Confirm"; a destructive one
 * asks in the page first: "Yes, suspend"); every outcome is read back through the API.
 * Skipped, loudly, only when /usr/bin/chromium is missing.
 */
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoHttp } from '../../lib/demo/demo-http.js';
import type { LocalPlatform } from '../../lib/local/start-local-platform.js';
import { hasChromium, startBrowserPlatform, type BrowserPlatform } from '../support/browser/start-browser-platform.js';
import { latestMessageTo } from '../support/outbox.js';
import { createCampaign } from '../../lib/demo/create-campaign.js';

const chromiumPresent = hasChromium('The vendor dashboard and operator console');

const OPERATOR = 'ops@console-flows.example';
const SHOPPER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe.skipIf(!chromiumPresent)('vendor dashboard and operator console in Chromium', () => {
  let platform: LocalPlatform;
  let dataDir: string;
  let http: DemoHttp;
  let browser: Browser;
  let started: BrowserPlatform | undefined;
  let previousOperators: string | undefined;
  const runId = randomBytes(3).toString('hex');
  const vendorEmail = `owner+${runId}@console-flows.example`;
  const partnerEmail = `pat+${runId}@console-flows.example`;
  let vendorKey: string;
  let campaignId: number;

  beforeAll(async () => {
    previousOperators = process.env.OPERATOR_EMAILS;
    process.env.OPERATOR_EMAILS = OPERATOR;
    started = await startBrowserPlatform({ dataDirPrefix: 'console-flows-', webApp: true });
    ({ platform, browser, http, dataDir } = started);
    const vendor = await http.json<{ api_key: string }>({
      step: 'create the vendor',
      method: 'POST',
      path: '/v1/admin/vendors',
      token: platform.adminToken,
      body: { name: `Console shop ${runId}`, email: vendorEmail },
    });
    vendorKey = vendor.api_key;
    const campaign = await createCampaign(http, vendorKey, { name: `Console campaign ${runId}`, destination_url: 'https://shop.example.com/landing', default_commission_type: 'flat', default_commission_value: '7.50', approval_required: true });
    campaignId = campaign.campaign_id;
  }, 180_000);

  afterAll(async () => {
    await started?.close();
    if (previousOperators === undefined) delete process.env.OPERATOR_EMAILS;
    else process.env.OPERATOR_EMAILS = previousOperators;
  });

  /** A signed-in page for `email`: the magic link from the outbox, opened in a fresh context. */
  async function signedIn(email: string, role: 'vendor' | 'operator', width = 1280): Promise<Page> {
    const sentBefore = (await latestMessageTo(dataDir, email))?.link;
    const asked = await http.fetch('/v1/auth/magic-link', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, role }) });
    expect(asked.status).toBe(202);
    const link = await until('the sign-in mail', async () => {
      const message = await latestMessageTo(dataDir, email);
      return message && message.link !== sentBefore ? message.link : undefined;
    });
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    await page.goto(link.replace(/^https?:\/\/[^/]+/, platform.url));
    await page.getByTestId('signed-in-as').waitFor();
    return page;
  }

  async function openPage(page: Page, path: string, heading: string) {
    await page.goto(`${platform.url}/app/${path}`);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  }

  it('walks partner approval, application, conversion review and payout', async () => {
    // A partner signs up: pending until the operator approves.
    const signup = await http.json<{ partner_id: number; api_key: string }>({
      step: 'partner signs up',
      method: 'POST',
      path: '/v1/partner/signup',
      body: { name: `Pat ${runId}`, email: partnerEmail },
    });
    const partnerId = signup.partner_id;
    const partnerKey = signup.api_key;

    // 1. The operator approves the partner in the console.
    const operator = await signedIn(OPERATOR, 'operator');
    await openPage(operator, 'operator/partners', 'Partners');
    const partnerRow = operator.getByTestId(`partner-${partnerId}`);
    await partnerRow.getByRole('button', { name: 'Approve' }).click();
    await partnerRow.waitFor({ state: 'detached' });
    const approved = await http.json<{ status: string }>({ step: 'read the partner', method: 'GET', path: `/v1/admin/partners/${partnerId}`, token: platform.adminToken });
    expect(approved.status).toBe('active');

    // 2. The partner applies; the vendor accepts in the dashboard.
    const application = await http.json<{ campaign_partner_id: number; status: string }>({
      step: 'partner applies',
      method: 'POST',
      path: `/v1/partner/campaigns/${campaignId}/apply`,
      token: partnerKey,
      body: { application_note: 'Trail blog, 20k readers' },
    });
    expect(application.status).toBe('pending');
    const vendor = await signedIn(vendorEmail, 'vendor');
    await openPage(vendor, 'vendor/applications', 'Partner applications');
    const applicationRow = vendor.getByTestId(`application-${application.campaign_partner_id}`);
    await applicationRow.getByRole('button', { name: 'Approve' }).click();
    await applicationRow.waitFor({ state: 'detached' });
    const enrollment = await http.json<{ status: string }>({ step: 'read the enrollment', method: 'GET', path: `/v1/campaign-partners/${application.campaign_partner_id}`, token: vendorKey });
    expect(enrollment.status).toBe('approved');

    // A shopper follows the partner's link and buys: a pending conversion worth the flat 7.50.
    const link = await http.json<{ short_code: string }>({ step: 'partner creates a link', method: 'POST', path: '/v1/partner/links', token: partnerKey, body: { campaign_id: campaignId } });
    const redirect = await fetch(`${platform.url}/${link.short_code}`, { redirect: 'manual', headers: { 'user-agent': SHOPPER_AGENT, accept: 'text/html' } });
    expect(redirect.status).toBe(302);
    const clickId = new URL(redirect.headers.get('location')!).searchParams.get('aff_click_id');
    expect(clickId).toBeTruthy();
    const sale = await http.fetch('/v1/conversions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${vendorKey}` },
      body: JSON.stringify({ event_type: 'sale', transaction_id: `order-${runId}`, event_value: '120.00', currency: 'USD', click_id: clickId }),
    });
    expect(sale.status).toBe(202);
    const receipt = (await sale.json()) as { receipt_id: string };
    const conversion = await until('the attributed conversion', async () => {
      const res = await fetch(`${platform.url}/v1/conversions/${receipt.receipt_id}`, { headers: { authorization: `Bearer ${vendorKey}` } });
      return res.status === 200 ? ((await res.json()) as { conversion_event_id: number; status: string; commission_amount: string }) : undefined;
    });
    expect(conversion).toMatchObject({ status: 'pending', commission_amount: '7.50' });

    // 3. The vendor reads why it earned 7.50 and approves it.
    await openPage(vendor, `vendor/conversions/${conversion.conversion_event_id}`, `Conversion ${conversion.conversion_event_id}`);
    await expect(vendor.getByTestId('commission-explanation').textContent()).resolves.toContain('7.50 USD');
    // What decided it, as the calculation recorded it (the API's commission_basis.explanation).
    await expect(vendor.getByTestId('commission-basis').textContent()).resolves.toMatch(/= \$7\.50\.$/);
    await openPage(vendor, 'vendor/conversions', 'Conversions');
    const conversionRow = vendor.getByTestId(`conversion-${conversion.conversion_event_id}`);
    await conversionRow.getByRole('button', { name: 'Approve' }).click();
    await conversionRow.waitFor({ state: 'detached' });
    const reviewed = await http.json<{ status: string }>({ step: 'read the conversion', method: 'GET', path: `/v1/conversions/${conversion.conversion_event_id}`, token: vendorKey });
    expect(reviewed.status).toBe('approved');

    // 4. The partner's wire destination; the operator verifies it, runs payouts and confirms the wire.
    const method = await http.json<{ partner_payment_method_id: number }>({
      step: 'partner adds a payment method',
      method: 'POST',
      path: '/v1/partner/payment-methods',
      token: partnerKey,
      body: { payment_provider: 'wire', account_details: { iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' }, is_default: true },
    });
    await openPage(operator, 'operator/payment-methods', 'Payment methods');
    const methodRow = operator.getByTestId(`payment-method-${method.partner_payment_method_id}`);
    await methodRow.getByRole('button', { name: 'Verify' }).click();
    await methodRow.waitFor({ state: 'detached' });

    await openPage(operator, 'operator/payouts', 'Payouts');
    await operator.getByLabel('Period').selectOption('until now');
    await operator.getByLabel('Minimum per payout, major units (optional)').fill('1');
    // "Until now" ends 5 s back (the API refuses an end in the future; it pays what was approved before the end).
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    await operator.getByRole('button', { name: 'Run payouts' }).click();
    await operator.getByRole('status').filter({ hasText: 'payout(s) created' }).waitFor();
    const payouts = await http.json<{ data: { payout_id: number; partner_id: number; amount: string; currency: string; status: string }[] }>({
      step: 'list payouts',
      method: 'GET',
      path: `/v1/admin/payouts?partner_id=${partnerId}`,
      token: platform.adminToken,
    });
    expect(payouts.data).toHaveLength(1);
    const payout = payouts.data[0]!;
    expect(payout).toMatchObject({ amount: '7.50', currency: 'USD', status: 'pending' });
    const payoutRow = operator.getByTestId(`payout-${payout.payout_id}`);
    await payoutRow.getByRole('button', { name: 'Approve' }).click();
    await payoutRow.getByRole('button', { name: 'Confirm' }).click();
    await payoutRow.getByText('completed').waitFor();
    const paid = await http.json<{ data: { status: string }[] }>({ step: 'read the payout', method: 'GET', path: `/v1/admin/payouts?partner_id=${partnerId}`, token: platform.adminToken });
    expect(paid.data[0]!.status).toBe('completed');

    // Every job run is recorded: the System page lists the payout run started on the Payouts page,
    // and a run started here appears once it finished (GET /v1/admin/job-runs, reloaded after the run).
    await openPage(operator, 'operator/system', 'System');
    const jobRuns = operator.getByRole('region', { name: 'Job runs' });
    await jobRuns.getByRole('row').filter({ hasText: 'payouts' }).filter({ hasText: 'operator' }).filter({ hasText: 'succeeded' }).first().waitFor();
    await operator.getByLabel('Job', { exact: true }).selectOption('reconciliation');
    await operator.getByRole('button', { name: 'Run job' }).click();
    await jobRuns.getByRole('row').filter({ hasText: 'reconciliation' }).filter({ hasText: 'balanced: true' }).first().waitFor();

    // A destructive action asks in the page first: Suspend, then "Yes, suspend".
    await openPage(operator, 'operator/partners', 'Partners');
    await operator.getByLabel('Status').selectOption('active');
    const activeRow = operator.getByTestId(`partner-${partnerId}`);
    await activeRow.getByRole('button', { name: 'Suspend' }).click();
    await activeRow.getByRole('alert').filter({ hasText: 'links stop at once' }).waitFor();
    await activeRow.getByRole('button', { name: 'Yes, suspend' }).click();
    await activeRow.waitFor({ state: 'detached' });
    const suspended = await http.json<{ status: string }>({ step: 'read the partner', method: 'GET', path: `/v1/admin/partners/${partnerId}`, token: platform.adminToken });
    expect(suspended.status).toBe('suspended');

    // A form shows the API's field error under the field it names: a rule condition the schema does not know.
    await openPage(vendor, 'vendor/rules', 'Commission rules');
    await vendor.getByLabel('Name', { exact: true }).fill('Gold bonus');
    await vendor.getByLabel('Conditions (JSON)').fill('{ "partner_tier": ["gold"] }');
    await vendor.getByRole('button', { name: 'Create rule' }).click();
    const conditionsError = vendor.locator('#field-conditions-error');
    await conditionsError.waitFor();
    await expect(conditionsError.textContent()).resolves.toContain('partner_tier');
    await expect(vendor.getByLabel('Conditions (JSON)').getAttribute('aria-invalid')).resolves.toBe('true');
    const rules = await http.json<{ data: unknown[] }>({ step: 'list rules', method: 'GET', path: '/v1/commission-rules', token: vendorKey });
    expect(rules.data).toHaveLength(0);

    // Fixed, it is created; edited, its actions are replaced.
    await vendor.getByLabel('Conditions (JSON)').fill('{ "partner_tiers": ["gold"] }');
    await vendor.getByLabel('Actions (JSON)').fill('{ "bonus_flat": "2.00" }');
    await vendor.getByRole('button', { name: 'Create rule' }).click();
    const ruleRow = vendor.getByRole('row').filter({ hasText: 'Gold bonus' });
    await ruleRow.waitFor();
    await ruleRow.getByRole('button', { name: 'Edit' }).click();
    await vendor.getByLabel('Actions (JSON)').fill('{ "bonus_flat": "3.50" }');
    await vendor.getByRole('button', { name: 'Save rule' }).click();
    await vendor.getByRole('heading', { name: 'New rule' }).waitFor();
    const saved = await http.json<{ data: { name: string; conditions: unknown; actions: { bonus_flat?: unknown } }[] }>({ step: 'list rules', method: 'GET', path: '/v1/commission-rules', token: vendorKey });
    expect(saved.data).toHaveLength(1);
    expect(saved.data[0]).toMatchObject({ name: 'Gold bonus', conditions: { partner_tiers: ['gold'] } });
    expect(String(saved.data[0]!.actions.bonus_flat)).toMatch(/^3\.50?$/);

    // Every page fits a 375 px phone: tables scroll inside their region, the page itself never sideways.
    // The pages of web/src/operator/routes.ts and web/src/vendor/routes.ts (the app's modules are not importable here: DOM and JSX).
    const pages: [Page, string[]][] = [
      [operator, ['operator', 'operator/partners', 'operator/vendors', 'operator/payment-methods', 'operator/payouts', 'operator/system', 'operator/audit']],
      [
        vendor,
        [
          'vendor',
          'vendor/campaigns',
          `vendor/campaigns/${campaignId}`,
          'vendor/applications',
          'vendor/conversions',
          `vendor/conversions/${conversion.conversion_event_id}`,
          'vendor/reports',
          'vendor/rules',
          'vendor/integrations',
          'vendor/team',
          'vendor/api-keys',
          'vendor/audit',
        ],
      ],
    ];
    for (const [page, paths] of pages) {
      await page.setViewportSize({ width: 375, height: 800 });
      for (const path of paths) {
        await page.goto(`${platform.url}/app/${path}`);
        await page.locator('h1').waitFor();
        await page.waitForLoadState('networkidle');
        const overflow = await page.evaluate(() => {
          const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
          return root.scrollWidth - root.clientWidth;
        });
        expect(overflow, `${path} is wider than a 375 px phone`).toBeLessThanOrEqual(0);
      }
    }
  }, 240_000);
});
