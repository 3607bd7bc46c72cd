/* eslint-disable @typescript-eslint/no-explicit-any -- rows asserted field by field */
/** GDPR erasure through POST /v1/admin/erasure: what is pseudonymised or deleted, what is kept; the books still balance. */
import { randomUUID } from 'node:crypto';
import { PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { adminToken, createCampaign, createLink, createPartner, createVendor, enroll } from '../../../support/platform/api-fixture.js';
import { useApiFixture } from '../../../support/platform/use-api-fixture.js';
import { seedProgram, type SeededProgram } from '../../../support/fixtures/seed.js';
import { seedPayableConversion, seedPaymentMethod } from '../../../support/fixtures/payout-fixtures.js';
import { expectBalanced } from '../../../support/books/reconcile.js';

let program: SeededProgram;

const fx = useApiFixture(async () => {
  // The fixture's dynalite has the platform's tables, the clicks table (by_cookie) among them.
  program = await seedProgram(fx.db.sql, { partners: 1 });
}, 60_000);

async function person(emailAddress: string) {
  const sql = fx.db.sql;
  const partnerId = program.partners[0]!.partnerId;
  const cookie = (await sql.query<{ id: string }>(`INSERT INTO cookies (expires_at) VALUES ('2026-12-01') RETURNING cookie_id::text AS id`)).rows[0]!.id;
  await sql.query(
    `INSERT INTO funnel_journeys (cookie_id, partner_id, campaign_version_id, journey_started_at, last_event_at, customer_email, customer_id)
     VALUES (:c::uuid, :p::integer, :v::integer, '2026-02-01', '2026-02-02', :e, 'cus_x')`,
    { c: cookie, p: partnerId, v: program.campaignVersionId, e: emailAddress },
  );
  await sql.query(
    `INSERT INTO clicks (partner_link_id, click_uuid, cookie_id, ip_address, user_agent, clicked_at) VALUES (:l::integer, :u::uuid, :c::uuid, '203.0.113.9', 'Mozilla/5.0', '2026-02-01')`,
    { l: program.partners[0]!.links[0]!.partner_link_id, u: randomUUID(), c: cookie },
  );
  await sql.query(`INSERT INTO leads (external_lead_id, vendor_id, first_name, last_name, email, phone) VALUES (:x, :v::integer, 'Ada', 'Lovelace', :e, '+4412345')`, {
    x: randomUUID(), v: program.vendorId, e: emailAddress,
  });
  const conversion = await seedPayableConversion(sql, { vendorId: program.vendorId, campaignVersionId: program.campaignVersionId, status: 'approved', shares: [[partnerId, '25.00']] });
  await sql.query(`UPDATE conversion_events SET customer_email = :e, cookie_id = :c::uuid WHERE conversion_event_id = :id::bigint`, { e: emailAddress, c: cookie, id: conversion });
  await sql.query(
    `INSERT INTO audit_logs (entity_type, entity_id, action, actor_type, ip_address) VALUES ('conversion_events', :id::bigint, 'approve', 'vendor_user', '198.51.100.4')`,
    { id: conversion },
  );
  for (const pk of [randomUUID(), randomUUID()]) {
    await fx.deps.dynamodb.send(new PutItemCommand({ TableName: 'clicks', Item: { pk: { S: pk }, cookie_id: { S: cookie }, clicked_at: { S: '2026-02-01T00:00:00Z' } } }));
  }
  return { cookie, conversion };
}

describe('POST /v1/admin/erasure', () => {
  it('pseudonymises the person everywhere, deletes hot-store clicks, keeps amounts and other people', async () => {
    const ada = await person('Ada@Example.com');
    const bob = await person('bob@example.com');
    const res = await fx.api.post('/v1/admin/erasure', { email: 'ada@example.com' }, { token: adminToken });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ conversions: 1, leads: 1, funnel_journeys: 1, clicks: 1, audit_logs: 1, cookies: 1, hot_store_clicks_deleted: 2 });
    expect(JSON.stringify(res.body)).not.toContain('ada@');
    const sql = fx.db.sql;
    const ce = (await sql.query<any>(`SELECT customer_email, commission_amount::text AS c, status FROM conversion_events WHERE conversion_event_id = :id::bigint`, { id: ada.conversion })).rows[0];
    expect(ce.customer_email).toMatch(/^erased:[0-9a-f]{32}$/);
    expect([ce.c, ce.status]).toEqual(['25.000', 'approved']); // NUMERIC(13,3) column text
    const lead = (await sql.query<any>(`SELECT first_name, last_name, phone, email FROM leads WHERE email LIKE 'erased:%'`)).rows;
    expect(lead).toEqual([{ first_name: null, last_name: null, phone: null, email: expect.stringMatching(/^erased:/) }]);
    const clicks = (await sql.query<any>(`SELECT cookie_id::text AS cookie, host(ip_address) AS ip, user_agent FROM clicks ORDER BY click_id`)).rows;
    expect(clicks).toEqual([
      { cookie: ada.cookie, ip: null, user_agent: null },
      { cookie: bob.cookie, ip: '203.0.113.9', user_agent: 'Mozilla/5.0' },
    ]);
    const audit = (await sql.query<any>(`SELECT host(ip_address) AS ip FROM audit_logs WHERE entity_type = 'conversion_events' AND entity_id = :id::bigint`, { id: ada.conversion })).rows;
    expect(audit).toEqual([{ ip: null }]);
    const erasureAudit = (await sql.query<any>(`SELECT action, changes FROM audit_logs WHERE entity_type = 'erasure'`)).rows;
    expect(erasureAudit.length).toBe(1);
    expect(JSON.stringify(erasureAudit[0].changes)).not.toContain('ada@');
    const items = (await fx.deps.dynamodb.send(new ScanCommand({ TableName: 'clicks' }))).Items ?? [];
    expect(items.map((i) => i.cookie_id?.S)).toEqual([bob.cookie, bob.cookie]);
    const bobRow = (await sql.query<any>(`SELECT customer_email FROM conversion_events WHERE conversion_event_id = :id::bigint`, { id: bob.conversion })).rows[0];
    expect(bobRow.customer_email).toBe('bob@example.com');
    await expectBalanced(sql);
    // By vendor + customer id as well; an empty body is a 400.
    const byCustomer = await fx.api.post('/v1/admin/erasure', { vendor_id: program.vendorId, customer_id: 'cus_x' }, { token: adminToken });
    expect(byCustomer.status).toBe(200);
    expect(byCustomer.body.funnel_journeys).toBeGreaterThanOrEqual(1);
    expect((await fx.api.post('/v1/admin/erasure', {}, { token: adminToken })).status).toBe(400);
  });
});

describe('POST /v1/admin/erasure { partner_id }', () => {
  it("removes a partner's identity everywhere (row, payment details, provider responses, audit changes, IPs), stops its key and links, keeps its payouts", async () => {
    const sql = fx.db.sql;
    const partner = await createPartner(fx.api, { name: 'Priya Secretname', email: 'priya.secret@example.com', website_url: 'https://priya.example' });
    await fx.api.patch('/v1/partner/profile', { bio: 'Priya Secretname reviews bikes' }, { token: partner.key, sourceIp: '203.0.113.44' });
    const vendor = await createVendor(fx.api);
    const campaign = await createCampaign(fx.api, vendor.key);
    await enroll(fx.api, vendor.key, campaign.campaign_id, partner.partner_id);
    const link = await createLink(fx.api, partner.key, campaign.campaign_id);
    expect((await fx.redirect(link.short_code)).status).toBe(302);
    const method = await seedPaymentMethod(sql, { partnerId: partner.partner_id, provider: 'paypal', accountId: 'priya.secret@example.com', details: { email: 'priya.secret@example.com' } });
    const conversion = await seedPayableConversion(sql, { vendorId: vendor.vendor_id, campaignVersionId: campaign.campaign_version_id, status: 'paid', shares: [[partner.partner_id, '42.00']] });
    const payout = (await sql.query<{ id: number }>(
      `INSERT INTO payouts (partner_id, partner_payment_method_id, amount, currency, payment_provider_id, status, provider_transaction_id, provider_response,
                            start_date, end_date, created_at, completed_at)
       VALUES (:p::integer, :m::integer, 42.00, 'USD', (SELECT payment_provider_id FROM payment_providers WHERE name = 'paypal'), 'completed', 'PAYOUT-123',
               '{"receiver": "priya.secret@example.com", "status": "SUCCESS"}'::jsonb, '2026-01-01', '2026-02-01', '2026-02-02', '2026-02-02')
       RETURNING payout_id AS id`,
      { p: partner.partner_id, m: method },
    )).rows[0]!.id;
    await sql.query(`INSERT INTO payout_events (payout_id, conversion_event_id, commission_amount) VALUES (:p::integer, :c::bigint, 42.00)`, { p: payout, c: conversion });

    const res = await fx.api.post('/v1/admin/erasure', { partner_id: partner.partner_id }, { token: adminToken });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ partner_id: partner.partner_id, partners: 1, payment_methods: 1, payouts: 1, api_keys_revoked: 1, links_stopped: 1 });

    const row = (await sql.query<any>(`SELECT name, email, bio, website_url, is_deleted FROM partners WHERE partner_id = :id::integer`, { id: partner.partner_id })).rows[0];
    expect(row).toEqual({ name: `erased partner ${partner.partner_id}`, email: `erased+${partner.partner_id}@erased.invalid`, bio: null, website_url: null, is_deleted: true });
    const pm = (await sql.query<any>(`SELECT provider_account_id, account_details, account_details_encrypted FROM partner_payment_methods WHERE partner_payment_method_id = :id::integer`, { id: method })).rows[0];
    // The sealed record can hold the holder's name or email too: it goes with the rest.
    expect(pm).toEqual({ provider_account_id: null, account_details: { erased: true }, account_details_encrypted: null });
    // The payout history stays: amount, status, period and the provider's transaction id.
    const kept = (await sql.query<any>(`SELECT amount::text AS amount, status, provider_transaction_id, provider_response FROM payouts WHERE payout_id = :id::integer`, { id: payout })).rows[0];
    expect(kept).toEqual({ amount: '42.000', status: 'completed', provider_transaction_id: 'PAYOUT-123', provider_response: null });
    await expectBalanced(sql);
    // Nothing anywhere in the audit trail still names the partner, and its own requests lost their IP.
    const audit = JSON.stringify((await sql.query<any>(`SELECT changes, host(ip_address) AS ip FROM audit_logs`)).rows);
    expect(audit).not.toContain('Secretname');
    expect(audit).not.toContain('priya');
    expect(audit).not.toContain('203.0.113.44');
    const erased = (await sql.query<any>(`SELECT action, actor_type FROM audit_logs WHERE entity_type = 'partners' AND entity_id = :id::bigint ORDER BY audit_log_id`, { id: partner.partner_id })).rows;
    expect(erased.map((r: any) => r.action)).toEqual(['create', 'update', 'erase']);
    // Its key is dead and its links stop.
    expect((await fx.api.get('/v1/partner/profile', { token: partner.key })).status).toBe(401);
    expect((await fx.redirect(link.short_code)).status).toBe(404);
    expect((await fx.api.post('/v1/admin/erasure', { partner_id: 999_999 }, { token: adminToken })).status).toBe(404);
  });

  it('runs as the gdpr-erasure job too (scheduler or operator), audited as the system', async () => {
    const partner = await createPartner(fx.api, { name: 'Quinn Jobname' });
    const res = await fx.api.post('/v1/admin/jobs/gdpr-erasure', { partner_id: partner.partner_id }, { token: adminToken });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.result).toMatchObject({ partner_id: partner.partner_id, partners: 1, api_keys_revoked: 1 });
    const rows = (await fx.db.sql.query<any>(`SELECT name FROM partners WHERE partner_id = :id::integer`, { id: partner.partner_id })).rows;
    expect(rows).toEqual([{ name: `erased partner ${partner.partner_id}` }]);
  });
});
