import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { seedPaymentMethod } from '../../../support/fixtures/payout-fixtures.js';
import { seedConversion } from '../../../support/fixtures/conversion-seed.js';
import { adminToken, auditRows, createPartner, createVendor, expectProblem } from '../../../support/platform/api-fixture.js';
import { useApiFixture } from '../../../support/platform/use-api-fixture.js';

const f = useApiFixture();

describe('POST /v1/admin/vendors', () => {
  it('creates a vendor, its owner user and a key shown once, stored only as a hash', async () => {
    const res = await f.api.post(
      '/v1/admin/vendors',
      { name: 'Acme', email: 'Owner@Acme.test', company_name: 'Acme Inc', website_url: 'https://acme.test' },
      { token: adminToken, sourceIp: '198.51.100.4' },
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Acme', email: 'owner@acme.test', company_name: 'Acme Inc', status: 'active' });
    expect(res.body.api_key).toMatch(/^vk_[A-Za-z0-9_-]{43}$/);
    const { rows } = await f.db.sql.query<{ key_hash: string; owner_type: string }>(
      `SELECT k.key_hash, k.owner_type FROM api_keys k JOIN vendor_users u ON u.vendor_user_id = k.vendor_user_id WHERE u.vendor_id = :id::integer`,
      { id: res.body.vendor_id },
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(res.body.api_key);
    const audit = await auditRows(f.db, 'vendors', res.body.vendor_id);
    expect(audit).toEqual([expect.objectContaining({ action: 'create', actor_type: 'admin', ip_address: '198.51.100.4' })]);
    expect((audit[0]!.changes as { changed_fields: string[] }).changed_fields).toContain('email');
  });

  it('refuses a duplicate email (409), unknown fields and invalid values (400)', async () => {
    await createVendor(f.api, { email: 'dup@acme.test' });
    expectProblem(await f.api.post('/v1/admin/vendors', { name: 'B', email: 'DUP@acme.test' }, { token: adminToken }), 409);
    const unknown = await f.api.post('/v1/admin/vendors', { name: 'B', email: 'b@acme.test', plan: 'gold' }, { token: adminToken });
    expectProblem(unknown, 400);
    expect(unknown.body.errors).toEqual([{ path: 'body.plan', message: 'Unknown field.' }]);
    const invalid = await f.api.post('/v1/admin/vendors', { name: '', email: 'not-an-email', website_url: 'javascript:alert(1)' }, { token: adminToken });
    expectProblem(invalid, 400);
    expect(invalid.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.email', 'body.name', 'body.website_url']);
    expectProblem(await f.api.post('/v1/admin/vendors', undefined, { token: adminToken, rawBody: '{"name":' }), 400);
    expectProblem(
      await f.api.post('/v1/admin/vendors', undefined, { token: adminToken, rawBody: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      415,
    );
  });

  it('needs the operator token: none or a wrong one is 401, a vendor key is 403', async () => {
    expectProblem(await f.api.post('/v1/admin/vendors', { name: 'X', email: 'x@x.test' }), 401);
    expectProblem(await f.api.post('/v1/admin/vendors', { name: 'X', email: 'x@x.test' }, { token: 'wrong' }), 401);
    const vendor = await createVendor(f.api);
    expectProblem(await f.api.post('/v1/admin/vendors', { name: 'X', email: 'x@x.test' }, { token: vendor.key }), 403);
  });
});

describe('POST /v1/admin/partners', () => {
  it('creates an active partner with a pk_ key', async () => {
    const res = await f.api.post('/v1/admin/partners', { name: 'Pat', email: 'pat@blog.test', tier: 'gold' }, { token: adminToken });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'active', tier: 'gold', email: 'pat@blog.test' });
    expect(res.body.api_key).toMatch(/^pk_/);
    expect(await auditRows(f.db, 'partners', res.body.partner_id)).toHaveLength(1);
  });

  it('validates tier and refuses duplicates', async () => {
    expectProblem(await f.api.post('/v1/admin/partners', { name: 'P', email: 'p@x.test', tier: 'diamond' }, { token: adminToken }), 400);
    const p = await createPartner(f.api, { email: 'same@x.test' });
    expect(p.partner_id).toBeGreaterThan(0);
    expectProblem(await f.api.post('/v1/admin/partners', { name: 'P', email: 'same@x.test' }, { token: adminToken }), 409);
  });
});

describe('admin jobs', () => {
  it('runs sync-links and answers 404 problem+json for an unknown job', async () => {
    const ok = await f.api.post('/v1/admin/jobs/sync-links', {}, { token: adminToken });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ job: 'sync-links', result: { synced: 0, failed: [] } });
    expectProblem(await f.api.post('/v1/admin/jobs/no-such-job', {}, { token: adminToken }), 404);
  });
});

describe('router', () => {
  it('answers 404 for an unknown path and 405 for a wrong method', async () => {
    expectProblem(await f.api.get('/v1/nothing-here', { token: adminToken }), 404);
    const res = await f.api.delete('/v1/admin/vendors', { token: adminToken });
    expectProblem(res, 405);
    expect((res.headers.allow ?? '').split(', ').sort()).toEqual(['GET', 'POST']);
  });
});

describe('vendor webhook secrets and endpoints', () => {
  it('issues secrets the standardwebhooks library accepts, at creation and on every rotation (the old base64url ones failed 2 in 3)', async () => {
    const issued: string[] = [];
    for (let i = 0; i < 12; i += 1) {
      const res = await f.api.post('/v1/admin/vendors', { name: 'S', email: `secret-${i}-${Date.now()}@acme.test` }, { token: adminToken });
      expect(res.status).toBe(201);
      issued.push(res.body.webhook_secret);
      const rotated = await f.api.post('/v1/vendor/webhook-secret/rotate', undefined, { token: res.body.api_key });
      issued.push(rotated.body.webhook_secret);
    }
    for (const secret of issued) {
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(() => new Webhook(secret)).not.toThrow();
    }
    expect(new Set(issued).size).toBe(issued.length);
  });

  it.each([
    ['http://hooks.acme.test/x', 'must use https'],
    ['https://user:pass@hooks.acme.test/x', 'must not contain credentials (user:password@)'],
    ['https://127.0.0.1:8080/x', 'must not target a private, loopback or link-local address'],
    ['https://169.254.169.254/latest', 'must not target a private, loopback or link-local address'],
    ['https://[::1]/x', 'must not target a private, loopback or link-local address'],
  ])('webhook_url %s is a 400 naming the field, at creation and on PATCH /v1/vendor; nothing is saved', async (url, message) => {
    const created = await f.api.post('/v1/admin/vendors', { name: 'W', email: `w-${Date.now()}-${Math.random()}@acme.test`, webhook_url: url }, { token: adminToken });
    expectProblem(created, 400);
    expect(created.body.errors).toEqual([{ path: 'body.webhook_url', message }]);
    const vendor = await createVendor(f.api, { webhook_url: 'https://hooks.acme.test/ok' });
    const patched = await f.api.patch('/v1/vendor', { webhook_url: url }, { token: vendor.key });
    expectProblem(patched, 400);
    expect(patched.body.errors).toEqual([{ path: 'body.webhook_url', message }]);
    expect((await f.api.get('/v1/vendor', { token: vendor.key })).body.webhook_url).toBe('https://hooks.acme.test/ok');
  });

  it('the local setting (ALLOW_LOOPBACK_WEBHOOKS) lets a vendor save an http loopback receiver', async () => {
    const vendor = await createVendor(f.api);
    const original = f.deps.config.allowLoopbackWebhooks;
    f.deps.config.allowLoopbackWebhooks = true;
    try {
      const res = await f.api.patch('/v1/vendor', { webhook_url: 'http://127.0.0.1:4000/hooks' }, { token: vendor.key });
      expect(res.status).toBe(200);
      expect(res.body.webhook_url).toBe('http://127.0.0.1:4000/hooks');
      expectProblem(await f.api.patch('/v1/vendor', { webhook_url: 'http://10.0.0.8/hooks' }, { token: vendor.key }), 400);
    } finally {
      f.deps.config.allowLoopbackWebhooks = original;
    }
  });
});

describe('own profiles', () => {
  it('a vendor admin changes the vendor profile and rotates the webhook secret; members cannot', async () => {
    const vendor = await createVendor(f.api, { name: 'Before' });
    const me = await f.api.get('/v1/vendor', { token: vendor.key });
    expect(me.body).toMatchObject({ vendor_id: vendor.vendor_id, name: 'Before' });
    expect(me.body.webhook_secret).toBeUndefined();

    const changed = await f.api.patch('/v1/vendor', { name: 'After', webhook_url: 'https://hooks.acme.test/affiliate', company_name: null }, { token: vendor.key });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: 'After', webhook_url: 'https://hooks.acme.test/affiliate', company_name: null });
    expectProblem(await f.api.patch('/v1/vendor', { status: 'suspended' }, { token: vendor.key }), 400);
    expectProblem(await f.api.patch('/v1/vendor', { webhook_url: 'ftp://x.test' }, { token: vendor.key }), 400);
    expectProblem(await f.api.patch('/v1/vendor', {}, { token: vendor.key }), 400);

    const secret = await f.api.post('/v1/vendor/webhook-secret/rotate', undefined, { token: vendor.key });
    expect(secret.status).toBe(201);
    expect(secret.body.webhook_secret).toMatch(/^whsec_/);
    const { rows } = await f.db.sql.query<{ webhook_secret: string }>('SELECT webhook_secret FROM vendors WHERE vendor_id = :id::integer', {
      id: vendor.vendor_id,
    });
    expect(rows[0]!.webhook_secret).toBe(secret.body.webhook_secret);

    const member = await f.api.post('/v1/vendor-users', { email: 'member@acme.test', name: 'M', role: 'member' }, { token: vendor.key });
    expectProblem(await f.api.patch('/v1/vendor', { name: 'Nope' }, { token: member.body.api_key }), 403);
    const audit = await auditRows(f.db, 'vendors', vendor.vendor_id);
    expect(audit.map((a) => a.action)).toEqual(['create', 'update', 'rotate_webhook_secret']);
    expect(JSON.stringify(audit)).not.toContain(secret.body.webhook_secret);
  });

  it('a partner changes its own profile but not its status or tier', async () => {
    const partner = await createPartner(f.api, { name: 'Pat' });
    const res = await f.api.patch('/v1/partner/profile', { bio: 'I review gear', website_url: 'https://pat.blog' }, { token: partner.key });
    expect(res.body).toMatchObject({ name: 'Pat', bio: 'I review gear', website_url: 'https://pat.blog', status: 'active', tier: 'standard' });
    expectProblem(await f.api.patch('/v1/partner/profile', { tier: 'platinum' }, { token: partner.key }), 400);
    expect((await f.api.get('/v1/partner/profile', { token: partner.key })).body.bio).toBe('I review gear');
    expect((await auditRows(f.db, 'partners', partner.partner_id)).map((a) => a.action)).toEqual(['create', 'update']);
  });
});

describe('operator lists', () => {
  it('lists vendors and partners newest first, filtered by status', async () => {
    const a = await createPartner(f.api);
    const b = await createPartner(f.api);
    await f.api.post(`/v1/admin/partners/${a.partner_id}/suspend`, {}, { token: adminToken });
    const suspended = await f.api.get('/v1/admin/partners?status=suspended', { token: adminToken });
    expect(suspended.body.data.map((p: { partner_id: number }) => p.partner_id)).toEqual([a.partner_id]);
    const page = await f.api.get('/v1/admin/partners?limit=1', { token: adminToken });
    expect(page.body.data[0].partner_id).toBe(b.partner_id);
    expect(page.body.next_cursor).toEqual(expect.any(String));
    const vendors = await f.api.get('/v1/admin/vendors?status=active&limit=100', { token: adminToken });
    expect(vendors.status).toBe(200);
    expect(vendors.body.data.length).toBeGreaterThan(0);
    expect(vendors.body.data.every((v: { status: string }) => v.status === 'active')).toBe(true);
  });
});

describe('partner approval (self-signup is pending until the operator approves)', () => {
  it('signs up pending with a key; cannot apply, be enrolled or get links until approved; the operator approves or rejects', async () => {
    const signup = await f.api.post('/v1/partner/signup', { name: 'Sam', email: 'Sam@Blog.test', website_url: 'https://sam.blog' }, { sourceIp: '203.0.113.9' });
    expect(signup.status, JSON.stringify(signup.body)).toBe(201);
    expect(signup.body).toMatchObject({ name: 'Sam', email: 'sam@blog.test', status: 'pending' });
    expect(signup.body.api_key).toMatch(/^pk_/);
    const partner = { partner_id: signup.body.partner_id as number, key: signup.body.api_key as string };
    expectProblem(await f.api.post('/v1/partner/signup', { name: 'Sam again', email: 'sam@blog.test' }), 409);

    const vendor = await createVendor(f.api);
    const campaign = await f.api.post('/v1/campaigns', { name: 'C', destination_url: 'https://shop.example.com/c', default_commission_type: 'percentage', default_commission_value: '10.00' }, { token: vendor.key });
    const enroll = (id: number) => f.api.post(`/v1/campaigns/${campaign.body.campaign_id}/partners`, { partner_id: id }, { token: vendor.key });
    // Pending: its own profile reads, but no enrollment and no link (403 naming the status).
    expect((await f.api.get('/v1/partner/profile', { token: partner.key })).body.status).toBe('pending');
    const refusedEnroll = await enroll(partner.partner_id);
    expectProblem(refusedEnroll, 409);
    expect(refusedEnroll.body.detail).toContain('The partner is pending');
    const refusedLink = await f.api.post('/v1/partner/links', { campaign_id: campaign.body.campaign_id }, { token: partner.key });
    expectProblem(refusedLink, 403);
    expect(refusedLink.body.detail).toContain('pending');

    // Illegal moves are 409 naming the allowed ones; approve makes it usable.
    const suspendPending = await f.api.post(`/v1/admin/partners/${partner.partner_id}/suspend`, {}, { token: adminToken });
    expectProblem(suspendPending, 409);
    expect(suspendPending.body.detail).toContain('allowed: approve, reject');
    const approved = await f.api.post(`/v1/admin/partners/${partner.partner_id}/approve`, { reason: 'site reviewed' }, { token: adminToken });
    expect(approved.body.status).toBe('active');
    expect((await enroll(partner.partner_id)).status).toBe(201);
    expect((await f.api.post('/v1/partner/links', { campaign_id: campaign.body.campaign_id }, { token: partner.key })).status).toBe(201);
    expect((await auditRows(f.db, 'partners', partner.partner_id)).map((a) => `${a.action}:${a.actor_type}`)).toEqual(['signup:partner', 'approve:admin']);

    // Another signup is rejected: it stays unable to act, and cannot be rejected twice into something else.
    const other = await f.api.post('/v1/partner/signup', { name: 'Spam', email: 'spam@example.test' });
    const rejected = await f.api.post(`/v1/admin/partners/${other.body.partner_id}/reject`, { reason: 'no site' }, { token: adminToken });
    expect(rejected.body.status).toBe('rejected');
    expectProblem(await f.api.post(`/v1/admin/partners/${other.body.partner_id}/activate`, {}, { token: adminToken }), 409);
    expectProblem(await f.api.post('/v1/partner/links', { campaign_id: campaign.body.campaign_id }, { token: other.body.api_key }), 403);
    const audit = await auditRows(f.db, 'partners', other.body.partner_id);
    expect(audit[1]).toMatchObject({ action: 'reject', actor_type: 'admin', reason: 'no site' });
  });
});

describe('inactive vendors', () => {
  it('keeps read access, refuses every write (403) and stops its links; activate restores both', async () => {
    const vendor = await createVendor(f.api);
    const partner = await createPartner(f.api);
    const campaign = await f.api.post('/v1/campaigns', { name: 'C', destination_url: 'https://shop.example.com/c', default_commission_type: 'percentage', default_commission_value: '10.00' }, { token: vendor.key });
    expect((await f.api.post(`/v1/campaigns/${campaign.body.campaign_id}/partners`, { partner_id: partner.partner_id }, { token: vendor.key })).status).toBe(201);
    const link = await f.api.post('/v1/partner/links', { campaign_id: campaign.body.campaign_id }, { token: partner.key });
    expect((await f.redirect(link.body.short_code)).status).toBe(302);

    const res = await f.api.post(`/v1/admin/vendors/${vendor.vendor_id}/deactivate`, { reason: 'left the platform' }, { token: adminToken });
    expect(res.body.status).toBe('inactive');
    expect((await f.api.get(`/v1/campaigns/${campaign.body.campaign_id}`, { token: vendor.key })).status).toBe(200);
    const write = await f.api.post('/v1/campaigns', { name: 'New', destination_url: 'https://shop.example.com/n', default_commission_type: 'percentage', default_commission_value: '5.00' }, { token: vendor.key });
    expectProblem(write, 403);
    expect(write.body.detail).toContain('inactive');
    expectProblem(await f.api.post('/v1/api-keys/rotate', {}, { token: vendor.key }), 403);
    expect((await f.redirect(link.body.short_code)).status).toBe(404);
    // A suspended vendor, unlike an inactive one, cannot even read.
    await f.api.post(`/v1/admin/vendors/${vendor.vendor_id}/suspend`, {}, { token: adminToken });
    expectProblem(await f.api.get(`/v1/campaigns/${campaign.body.campaign_id}`, { token: vendor.key }), 401);

    expect((await f.api.post(`/v1/admin/vendors/${vendor.vendor_id}/activate`, {}, { token: adminToken })).body.status).toBe('active');
    expect((await f.redirect(link.body.short_code)).status).toBe(302);
    expect((await auditRows(f.db, 'vendors', vendor.vendor_id)).map((a) => a.action)).toEqual(['create', 'deactivate', 'suspend', 'activate']);
  });
});

describe('payout runs pay active partners only', () => {
  it('skips a suspended partner with partner_not_active and keeps its credits; once reactivated the next run pays them', async () => {
    const vendor = await createVendor(f.api);
    const partner = await createPartner(f.api);
    const campaign = await f.api.post('/v1/campaigns', { name: 'C', destination_url: 'https://shop.example.com/c', default_commission_type: 'percentage', default_commission_value: '10.00' }, { token: vendor.key });
    await seedPaymentMethod(f.db.sql, { partnerId: partner.partner_id, provider: 'wire', details: { iban: 'DE89370400440532013000' } });
    const occurred = new Date(f.clock.now.getTime() - 86_400_000).toISOString();
    const { conversion_event_id: id } = await seedConversion(f.db.sql, {
      vendor_id: vendor.vendor_id, partner_id: partner.partner_id, campaign_version_id: campaign.body.campaign_version_id, transaction_id: 'tx-suspended',
      event_value: '600.00', commission_amount: '60.00', status: 'approved', occurred_at: occurred,
      touches: [{ partner_id: partner.partner_id, touch_type: 'only', touch_value: '60.00', occurred_at: occurred }],
    });
    await f.db.sql.query(`UPDATE conversion_events SET approved_at = :at::timestamptz WHERE conversion_event_id = :id::bigint`, { at: occurred, id });
    await f.api.post(`/v1/admin/partners/${partner.partner_id}/suspend`, { reason: 'fraud review' }, { token: adminToken });
    const period = { start_date: '2026-01-01T00:00:00Z', end_date: f.clock.now.toISOString(), minimum: '1.00' };
    const run = await f.api.post('/v1/admin/jobs/payouts', period, { token: adminToken });
    expect(run.body.result.skipped).toContainEqual(expect.objectContaining({ partner_id: partner.partner_id, currency: 'USD', reason: 'partner_not_active', amount: '60.00' }));
    expect(run.body.result.created.map((c: { partner_id: number }) => c.partner_id)).not.toContain(partner.partner_id);

    await f.api.post(`/v1/admin/partners/${partner.partner_id}/activate`, {}, { token: adminToken });
    f.clock.advance(1000);
    const again = await f.api.post('/v1/admin/jobs/payouts', { ...period, end_date: f.clock.now.toISOString() }, { token: adminToken });
    expect(again.body.result.created).toContainEqual(expect.objectContaining({ partner_id: partner.partner_id, amount: '60.00', events: 1 }));
  });
});
