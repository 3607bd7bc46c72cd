import { describe, expect, it } from 'vitest';
import { auditRows, createVendor, expectProblem, type VendorHandle } from '../../../support/platform/api-fixture.js';
import { useApiFixture } from '../../../support/platform/use-api-fixture.js';

let vendor: VendorHandle;
let other: VendorHandle;

const f = useApiFixture(async () => {
  vendor = await createVendor(f.api);
  other = await createVendor(f.api);
});

describe('rewards', () => {
  it('create, read, list, patch and delete, each mutation audited with the caller IP', async () => {
    const res = await f.api.post('/v1/rewards', { name: '100 sales bonus', reward_type: 'flat', reward_value: '250.00' }, { token: vendor.key, sourceIp: '198.51.100.1' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ name: '100 sales bonus', reward_type: 'flat', reward_value: '250.00' });
    const id = res.body.reward_id;
    expect((await f.api.get(`/v1/rewards/${id}`, { token: vendor.key })).body.reward_value).toBe('250.00');
    expect((await f.api.get('/v1/rewards', { token: vendor.key })).body.data.map((r: { reward_id: number }) => r.reward_id)).toEqual([id]);
    expect((await f.api.get('/v1/rewards', { token: other.key })).body.data).toEqual([]);

    const patched = await f.api.patch(`/v1/rewards/${id}`, { reward_value: '300' }, { token: vendor.key });
    expect(patched.status).toBe(200);
    expect(patched.body.reward_value).toBe('300.00');
    expectProblem(await f.api.patch(`/v1/rewards/${id}`, { reward_type: 'percentage' }, { token: vendor.key }), 400);
    expect((await f.api.delete(`/v1/rewards/${id}`, { token: vendor.key })).status).toBe(204);
    expectProblem(await f.api.get(`/v1/rewards/${id}`, { token: vendor.key }), 404);

    const audit = await auditRows(f.db, 'rewards', id);
    expect(audit.map((a) => a.action)).toEqual(['create', 'update', 'delete']);
    expect(audit[0]).toMatchObject({ actor_type: 'vendor_user', actor_id: vendor.vendor_user_id, ip_address: '198.51.100.1' });
    expect(audit[1]!.changes).toEqual({ before: { reward_value: '250.00' }, after: { reward_value: '300.00' }, changed_fields: ['reward_value'] });
  });

  it.each([
    ['an unknown field', { name: 'x', reward_type: 'flat', reward_value: '1', currency: 'USD' }, 'body.currency'],
    ['a numeric value', { name: 'x', reward_type: 'flat', reward_value: 10 }, 'body.reward_value'],
    ['an unknown type', { name: 'x', reward_type: 'points', reward_value: '1' }, 'body.reward_type'],
    ['a percentage above 100', { name: 'x', reward_type: 'percentage', reward_value: '150' }, 'body.reward_value'],
  ])('400 for %s', async (_name, body, path) => {
    const res = await f.api.post('/v1/rewards', body, { token: vendor.key });
    expectProblem(res, 400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it("401 without a key, 403 for a member, 404 for another vendor's reward", async () => {
    const body = { name: 'x', reward_type: 'flat', reward_value: '1' };
    expectProblem(await f.api.post('/v1/rewards', body), 401);
    const member = await f.api.post('/v1/vendor-users', { email: `m-${Date.now()}@o.test`, name: 'M', role: 'member' }, { token: vendor.key });
    expectProblem(await f.api.post('/v1/rewards', body, { token: member.body.api_key }), 403);
    const id = (await f.api.post('/v1/rewards', body, { token: vendor.key })).body.reward_id;
    expect((await f.api.get(`/v1/rewards/${id}`, { token: member.body.api_key })).status).toBe(200);
    expectProblem(await f.api.get(`/v1/rewards/${id}`, { token: other.key }), 404);
    expectProblem(await f.api.patch(`/v1/rewards/${id}`, { name: 'y' }, { token: other.key }), 404);
    expectProblem(await f.api.delete(`/v1/rewards/${id}`, { token: other.key }), 404);
  });
});
