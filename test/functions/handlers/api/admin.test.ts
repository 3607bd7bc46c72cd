import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, auditRows, createApiFixture, createPartner, createVendor, expectProblem, type ApiFixture } from './fixtures.js';

let f: ApiFixture;
beforeAll(async () => {
  f = await createApiFixture();
});
afterAll(async () => {
  await f?.close();
});

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
