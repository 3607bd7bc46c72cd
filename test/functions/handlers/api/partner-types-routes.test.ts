import { describe, expect, it } from 'vitest';
import { adminToken, auditRows, createPartner, createVendor, expectProblem, type PartnerHandle } from '../../../support/platform/api-fixture.js';
import { useApiFixture } from '../../../support/platform/use-api-fixture.js';

let partner: PartnerHandle;

const f = useApiFixture(async () => {
  partner = await createPartner(f.api);
});

const admin = { token: adminToken };

describe('partner types', () => {
  it('operator CRUD, audited; a duplicate name is 409', async () => {
    const res = await f.api.post('/v1/admin/partner-types', { name: 'influencer', description: 'Social media' }, { ...admin, sourceIp: '192.0.2.99' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const id = res.body.partner_type_id;
    expectProblem(await f.api.post('/v1/admin/partner-types', { name: 'influencer' }, admin), 409);
    const coupon = await f.api.post('/v1/admin/partner-types', { name: 'coupon' }, admin);
    expectProblem(await f.api.patch(`/v1/admin/partner-types/${coupon.body.partner_type_id}`, { name: 'influencer' }, admin), 409);
    const patched = await f.api.patch(`/v1/admin/partner-types/${id}`, { description: 'Creators' }, admin);
    expect(patched.body).toMatchObject({ name: 'influencer', description: 'Creators' });
    const list = await f.api.get('/v1/admin/partner-types', admin);
    expect(list.body.data.map((t: { name: string }) => t.name)).toEqual(['coupon', 'influencer']);
    expect((await f.api.delete(`/v1/admin/partner-types/${coupon.body.partner_type_id}`, admin)).status).toBe(204);
    expectProblem(await f.api.patch(`/v1/admin/partner-types/${coupon.body.partner_type_id}`, { name: 'x' }, admin), 404);
    const audit = await auditRows(f.db, 'partner_types', id);
    expect(audit.map((a) => a.action)).toEqual(['create', 'update']);
    expect(audit[0]).toMatchObject({ actor_type: 'admin', ip_address: '192.0.2.99' });
    expect((await auditRows(f.db, 'partner_types', coupon.body.partner_type_id)).map((a) => a.action)).toEqual(['create', 'delete']);
  });

  it('a partner chooses its types (PUT replaces the set), the operator can set them too; both audited', async () => {
    const a = (await f.api.post('/v1/admin/partner-types', { name: 'blog' }, admin)).body.partner_type_id;
    const b = (await f.api.post('/v1/admin/partner-types', { name: 'podcast' }, admin)).body.partner_type_id;
    const put = await f.api.put('/v1/partner/types', { partner_type_ids: [a, b, a] }, { token: partner.key });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.data.map((t: { name: string }) => t.name)).toEqual(['blog', 'podcast']);
    const mine = await f.api.get('/v1/partner/types', { token: partner.key });
    expect(mine.body.assigned_partner_type_ids.sort()).toEqual([a, b].sort());
    const byAdmin = await f.api.put(`/v1/admin/partners/${partner.partner_id}/types`, { partner_type_ids: [b] }, admin);
    expect(byAdmin.body.data.map((t: { partner_type_id: number }) => t.partner_type_id)).toEqual([b]);
    const audit = await auditRows(f.db, 'partner_partner_types', partner.partner_id);
    expect(audit).toMatchObject([
      { action: 'assign', actor_type: 'partner', actor_id: partner.partner_id },
      { action: 'assign', actor_type: 'admin' },
    ]);
    const unknown = await f.api.put('/v1/partner/types', { partner_type_ids: [b, 999999] }, { token: partner.key });
    expectProblem(unknown, 400);
    expect(unknown.body.errors[0].path).toBe('body.partner_type_ids.1');
    expectProblem(await f.api.put('/v1/admin/partners/999999/types', { partner_type_ids: [] }, admin), 404);
  });

  it('401 without credentials, 403 for vendor or partner keys on the catalogue, 400 for unknown fields', async () => {
    expectProblem(await f.api.post('/v1/admin/partner-types', { name: 'x' }), 401);
    const vendor = await createVendor(f.api);
    expectProblem(await f.api.post('/v1/admin/partner-types', { name: 'x' }, { token: vendor.key }), 403);
    expectProblem(await f.api.post('/v1/admin/partner-types', { name: 'x' }, { token: partner.key }), 403);
    expectProblem(await f.api.put('/v1/partner/types', { partner_type_ids: [] }, { token: vendor.key }), 403);
    const res = await f.api.post('/v1/admin/partner-types', { name: 'x', icon: 'y' }, admin);
    expectProblem(res, 400);
    expect(res.body.errors[0].path).toBe('body.icon');
  });
});
