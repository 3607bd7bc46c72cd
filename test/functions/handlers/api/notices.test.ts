/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON asserted field by field. */
/**
 * The notices partners expect, sent through the same mailer (a real outbox here) where the
 * events happen: account approved by the operator, application approved by a vendor, payment
 * method verified, payout sent. Each carries the RFC 8058 unsubscribe headers and link; the
 * one-click POST records the opt-out and the next notice is not sent; a GET changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { seedPaymentMethod } from '../../../support/fixtures/payout-fixtures.js';
import { attachOutboxMailer, messagesTo, uniqueEmail, type OutboxMessage } from '../../../support/outbox.js';
import { seedConversion } from '../../../support/fixtures/conversion-seed.js';
import { adminToken, createCampaign, createPartner, createVendor, expectProblem } from '../../../support/platform/api-fixture.js';
import { useApiFixture } from '../../../support/platform/use-api-fixture.js';

let dataDir: string;
const unique = uniqueEmail;

const f = useApiFixture(async () => {
  dataDir = await attachOutboxMailer(f.deps);
  f.deps.config.appBaseUrl = 'https://app.example.test';
  // A notice that fails is logged, never thrown: the test fails on any such line.
  f.deps.logger = { debug: () => {}, info: () => {}, warn: () => {}, error: (message, ...extra) => { throw new Error(`${message} ${JSON.stringify(extra)}`); } };
});

function expectUnsubscribable(message: OutboxMessage): string {
  const header = message.headers['list-unsubscribe'];
  expect(header).toMatch(/^<https:\/\/app\.example\.test\/v1\/email\/unsubscribe\?token=[A-Za-z0-9_-]{43}>$/);
  expect(message.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
  const url = header!.slice(1, -1);
  expect(message.text).toContain(url);
  return url.replace('https://app.example.test', '');
}

describe('notices', () => {
  it('operator approval of a signed-up partner, then a vendor approving its application', async () => {
    const email = unique('blog');
    const signup = await f.api.post('/v1/partner/signup', { name: 'Zoë Blog', email });
    expect(signup.status).toBe(201);
    const partnerId: number = signup.body.partner_id;
    expect(await messagesTo(dataDir, email)).toHaveLength(0);

    expect((await f.api.post(`/v1/admin/partners/${partnerId}/approve`, {}, { token: adminToken })).status).toBe(200);
    let mail = await messagesTo(dataDir, email);
    expect(mail.map((m) => m.subject)).toEqual(['Your partner account is approved']);
    expect(mail[0]!.text).toContain('Hello Zoë Blog,');
    expectUnsubscribable(mail[0]!);
    // Approving an active partner again changes nothing and says nothing.
    await f.api.post(`/v1/admin/partners/${partnerId}/approve`, {}, { token: adminToken });
    expect(await messagesTo(dataDir, email)).toHaveLength(1);

    const vendor = await createVendor(f.api);
    const campaign = await createCampaign(f.api, vendor.key, { name: 'Trail runners', is_public: true, approval_required: true });
    const applied = await f.api.post(`/v1/partner/campaigns/${campaign.campaign_id}/apply`, {}, { token: signup.body.api_key });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    const approved = await f.api.post(`/v1/campaign-partners/${applied.body.campaign_partner_id}/approve`, {}, { token: vendor.key });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    mail = await messagesTo(dataDir, email);
    expect(mail.map((m) => m.subject)).toEqual(['Your partner account is approved', 'You are in: Trail runners']);
    expectUnsubscribable(mail[1]!);
  });

  it('payment method verified and payout sent, amounts as the API prints them', async () => {
    const email = unique('pay');
    const partner = await createPartner(f.api, { email, name: 'Pat' });
    const vendor = await createVendor(f.api);
    const campaign = await createCampaign(f.api, vendor.key);
    const methodId = await seedPaymentMethod(f.db.sql, { partnerId: partner.partner_id, provider: 'wire', details: { iban: 'DE89370400440532013000' }, verified: false });
    expect((await f.api.post(`/v1/admin/payment-methods/${methodId}/verify`, undefined, { token: adminToken })).status).toBe(200);
    expect((await messagesTo(dataDir, email)).map((m) => m.subject)).toEqual(['Your payment method is verified']);

    const occurred = new Date(f.clock.now.getTime() - 86_400_000).toISOString();
    const { conversion_event_id: id } = await seedConversion(f.db.sql, {
      vendor_id: vendor.vendor_id, partner_id: partner.partner_id, campaign_version_id: campaign.campaign_version_id, transaction_id: `tx-${email}`,
      event_value: '185.00', commission_amount: '18.50', status: 'approved', occurred_at: occurred,
      touches: [{ partner_id: partner.partner_id, touch_type: 'only', touch_value: '18.50', occurred_at: occurred }],
    });
    await f.db.sql.query(`UPDATE conversion_events SET approved_at = :at::timestamptz WHERE conversion_event_id = :id::bigint`, { at: occurred, id });
    const run = await f.api.post('/v1/admin/jobs/payouts', { start_date: '2026-01-01T00:00:00Z', end_date: f.clock.now.toISOString(), minimum: '1.00' }, { token: adminToken });
    const payoutId: number = run.body.result.created.find((c: any) => c.partner_id === partner.partner_id).payout_id;
    const sent = await f.api.post(`/v1/admin/payouts/${payoutId}/approve`, undefined, { token: adminToken });
    expect(sent.body.status).toBe('processing');
    // A wire is sent when the operator confirms it: nothing yet.
    expect(await messagesTo(dataDir, email)).toHaveLength(1);
    expect((await f.api.post(`/v1/admin/payouts/${payoutId}/confirm`, undefined, { token: adminToken })).body.status).toBe('completed');
    const mail = await messagesTo(dataDir, email);
    expect(mail.map((m) => m.subject)).toEqual(['Your payment method is verified', 'Payout sent: 18.50 USD']);
    expect(mail[1]!.text).toContain(`Payout #${payoutId} of 18.50 USD has been sent.`);
    expectUnsubscribable(mail[1]!);
  });

  it('unsubscribe: GET shows a button and changes nothing; the one-click POST stops the next notice', async () => {
    const email = unique('quiet');
    const partner = await createPartner(f.api, { email });
    const first = await seedPaymentMethod(f.db.sql, { partnerId: partner.partner_id, provider: 'wire', details: { iban: 'DE89370400440532013000' }, verified: false });
    await f.api.post(`/v1/admin/payment-methods/${first}/verify`, undefined, { token: adminToken });
    const url = expectUnsubscribable((await messagesTo(dataDir, email))[0]!);

    const page = await f.api.get(url);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.text).toContain('<form method="post"');
    const second = await seedPaymentMethod(f.db.sql, { partnerId: partner.partner_id, provider: 'wire', details: { iban: 'DE89370400440532013000' }, verified: false, isDefault: false });
    await f.api.post(`/v1/admin/payment-methods/${second}/verify`, undefined, { token: adminToken });
    expect(await messagesTo(dataDir, email)).toHaveLength(2);

    // What a mail client sends for List-Unsubscribe-Post (RFC 8058): a form body, no cookie, no CSRF token.
    const oneClick = await f.api.post(url, undefined, { rawBody: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(oneClick.status).toBe(200);
    expect(oneClick.text).toContain(`${email} will get no more notices.`);
    expect((await f.api.post(url, undefined, {})).status).toBe(200);
    const { rows } = await f.db.sql.query(`SELECT email FROM email_opt_outs WHERE email = :email`, { email });
    expect(rows).toHaveLength(1);

    const third = await seedPaymentMethod(f.db.sql, { partnerId: partner.partner_id, provider: 'wire', details: { iban: 'DE89370400440532013000' }, verified: false, isDefault: false });
    expect((await f.api.post(`/v1/admin/payment-methods/${third}/verify`, undefined, { token: adminToken })).status).toBe(200);
    expect(await messagesTo(dataDir, email)).toHaveLength(2);

    // Sign-in links are transactional: they still arrive.
    expect((await f.api.post('/v1/auth/magic-link', { email, role: 'partner' })).status).toBe(202);
    expect((await messagesTo(dataDir, email)).at(-1)!.subject).toBe('Your sign-in link');

    expectProblem(await f.api.post(`/v1/email/unsubscribe?token=${'B'.repeat(43)}`), 404);
  });
});
