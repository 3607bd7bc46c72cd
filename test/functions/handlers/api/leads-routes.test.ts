import { describe, expect, it } from 'vitest';
import { auditRows, createPartner, createVendor, expectProblem, type VendorHandle } from '../../../support/platform/api-fixture.js';
import { useApiFixture } from '../../../support/platform/use-api-fixture.js';

let vendor: VendorHandle;
let other: VendorHandle;

const f = useApiFixture(async () => {
  vendor = await createVendor(f.api);
  other = await createVendor(f.api);
});

describe('leads', () => {
  it('creates, filters by status and exact email (case-insensitive), patches and deletes; audit has no PII in clear', async () => {
    const partner = await createPartner(f.api);
    const res = await f.api.post(
      '/v1/leads',
      { external_lead_id: 'crm-1', partner_id: partner.partner_id, first_name: 'Grace', last_name: 'Hopper', email: 'Grace@Example.com', phone: '+1 555 0100' },
      { token: vendor.key, sourceIp: '198.51.100.77' },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ external_lead_id: 'crm-1', partner_id: partner.partner_id, email: 'grace@example.com', status: 'new' });
    const id = res.body.lead_id;
    const second = await f.api.post('/v1/leads', { email: 'other@example.com', status: 'qualified' }, { token: vendor.key });
    expect(second.body.external_lead_id).toMatch(/^lead_/);

    const byEmail = await f.api.get('/v1/leads', { token: vendor.key, query: { email: 'GRACE@example.com' } });
    expect(byEmail.body.data.map((l: { lead_id: number }) => l.lead_id)).toEqual([id]);
    const byStatus = await f.api.get('/v1/leads', { token: vendor.key, query: { status: 'qualified' } });
    expect(byStatus.body.data.map((l: { lead_id: number }) => l.lead_id)).toEqual([second.body.lead_id]);
    expectProblem(await f.api.get('/v1/leads', { token: vendor.key, query: { status: 'won' } }), 400);
    expect((await f.api.get('/v1/leads', { token: other.key })).body.data).toEqual([]);

    const patched = await f.api.patch(`/v1/leads/${id}`, { status: 'contacted', phone: null }, { token: vendor.key });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ status: 'contacted', phone: null, email: 'grace@example.com' });
    expect((await f.api.delete(`/v1/leads/${id}`, { token: vendor.key })).status).toBe(204);
    expectProblem(await f.api.get(`/v1/leads/${id}`, { token: vendor.key }), 404);
    const { rows } = await f.db.sql.query<{ email: string | null; is_deleted: boolean }>(`SELECT email, is_deleted FROM leads WHERE lead_id = :id::bigint`, { id });
    expect(rows[0]).toEqual({ email: null, is_deleted: true });

    const audit = await auditRows(f.db, 'leads', id);
    expect(audit.map((a) => a.action)).toEqual(['create', 'update', 'delete']);
    expect(audit[0]).toMatchObject({ actor_type: 'vendor_user', actor_id: vendor.vendor_user_id, ip_address: '198.51.100.77' });
    expect((audit[1]!.changes as { changed_fields: string[] }).changed_fields).toEqual(['phone', 'status']);
    const text = JSON.stringify(audit);
    expect(text).not.toMatch(/grace|hopper|555/i);
    expect((audit[0]!.changes as { after: { email: string } }).after.email).toMatch(/^sha256:[0-9a-f]{16}$/);
  });

  it('409 for a duplicate external_lead_id; 400 for unknown fields and bad values', async () => {
    expect((await f.api.post('/v1/leads', { external_lead_id: 'dup' }, { token: vendor.key })).status).toBe(201);
    expectProblem(await f.api.post('/v1/leads', { external_lead_id: 'dup' }, { token: vendor.key }), 409);
    for (const [body, path] of [
      [{ ssn: '1' }, 'body.ssn'],
      [{ email: 'not-an-email' }, 'body.email'],
      [{ status: 'won' }, 'body.status'],
      [{ phone: 'call me' }, 'body.phone'],
    ] as const) {
      const res = await f.api.post('/v1/leads', body, { token: vendor.key });
      expectProblem(res, 400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
  });

  it("401 without a key, 403 for a member, 404 for another vendor's lead or an unknown partner", async () => {
    expectProblem(await f.api.post('/v1/leads', {}), 401);
    const member = await f.api.post('/v1/vendor-users', { email: `m-${Date.now()}@o.test`, name: 'M', role: 'member' }, { token: vendor.key });
    expectProblem(await f.api.post('/v1/leads', {}, { token: member.body.api_key }), 403);
    expectProblem(await f.api.post('/v1/leads', { partner_id: 999999 }, { token: vendor.key }), 404);
    const id = (await f.api.post('/v1/leads', { email: 'x@y.test' }, { token: vendor.key })).body.lead_id;
    expect((await f.api.get(`/v1/leads/${id}`, { token: member.body.api_key })).status).toBe(200);
    expectProblem(await f.api.get(`/v1/leads/${id}`, { token: other.key }), 404);
    expectProblem(await f.api.patch(`/v1/leads/${id}`, { status: 'lost' }, { token: other.key }), 404);
    expectProblem(await f.api.delete(`/v1/leads/${id}`, { token: other.key }), 404);
  });
});
