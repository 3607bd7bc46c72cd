import { describe, expect, it } from 'vitest';
import { auditRows, createCampaign, createVendor, expectProblem, type VendorHandle } from '../../../support/platform/api-fixture.js';
import { useApiFixture } from '../../../support/platform/use-api-fixture.js';

let vendor: VendorHandle;
let other: VendorHandle;
let campaign: { campaign_id: number; campaign_version_id: number };
let rewardId: number;

const f = useApiFixture(async () => {
  vendor = await createVendor(f.api);
  other = await createVendor(f.api);
  campaign = await createCampaign(f.api, vendor.key);
  rewardId = (await f.api.post('/v1/rewards', { name: 'Bonus', reward_type: 'flat', reward_value: '100.00' }, { token: vendor.key })).body.reward_id;
});

const path = () => `/v1/campaigns/${campaign.campaign_id}/milestones`;

describe('campaign milestones', () => {
  it('adds milestones to the current version with a reward; lists by target; patch and delete audited', async () => {
    const res = await f.api.post(path(), { name: '100 sales', event_type: 'sale', target_count: 100, reward_id: rewardId }, { token: vendor.key, sourceIp: '203.0.113.50' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ campaign_id: campaign.campaign_id, campaign_version_id: campaign.campaign_version_id, reward_id: rewardId, target_count: 100, event_type: 'sale' });
    const id = res.body.campaign_milestone_id;
    const small = await f.api.post(path(), { name: '10 sales', event_type: 'sale', target_count: 10 }, { token: vendor.key });
    const list = await f.api.get(path(), { token: vendor.key });
    expect(list.body.data.map((m: { campaign_milestone_id: number }) => m.campaign_milestone_id)).toEqual([small.body.campaign_milestone_id, id]);

    const patched = await f.api.patch(`/v1/campaign-milestones/${id}`, { target_count: 150, reward_id: null }, { token: vendor.key });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ target_count: 150, reward_id: null });
    expect((await f.api.delete(`/v1/campaign-milestones/${id}`, { token: vendor.key })).status).toBe(204);
    expectProblem(await f.api.get(`/v1/campaign-milestones/${id}`, { token: vendor.key }), 404);

    const audit = await auditRows(f.db, 'campaign_milestones', id);
    expect(audit.map((a) => a.action)).toEqual(['create', 'update', 'delete']);
    expect(audit[0]).toMatchObject({ actor_type: 'vendor_user', ip_address: '203.0.113.50' });
    expect(audit[1]!.changes).toEqual({ before: { reward_id: rewardId, target_count: 100 }, after: { reward_id: null, target_count: 150 }, changed_fields: ['reward_id', 'target_count'] });
  });

  it.each([
    ['target_count 0', { target_count: 0 }, 'body.target_count'],
    ['a negative target_count', { target_count: -5 }, 'body.target_count'],
    ['an unknown field', { bonus: '5' }, 'body.bonus'],
    ['an unknown event type', { event_type: 'nope' }, 'body.event_type'],
  ])('400 for %s', async (_name, extra, field) => {
    const res = await f.api.post(path(), { name: 'm', event_type: 'sale', target_count: 5, ...extra }, { token: vendor.key });
    expectProblem(res, 400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
  });

  it("401 without a key, 403 for a member, 404 for another vendor's campaign, milestone or reward", async () => {
    const body = { name: 'm', event_type: 'sale', target_count: 5 };
    expectProblem(await f.api.post(path(), body), 401);
    const member = await f.api.post('/v1/vendor-users', { email: `m-${Date.now()}@o.test`, name: 'M', role: 'member' }, { token: vendor.key });
    expectProblem(await f.api.post(path(), body, { token: member.body.api_key }), 403);
    expectProblem(await f.api.post(path(), body, { token: other.key }), 404);
    expectProblem(await f.api.get(path(), { token: other.key }), 404);
    const otherReward = (await f.api.post('/v1/rewards', { name: 'B', reward_type: 'flat', reward_value: '1' }, { token: other.key })).body.reward_id;
    expectProblem(await f.api.post(path(), { ...body, reward_id: otherReward }, { token: vendor.key }), 404);
    const id = (await f.api.post(path(), body, { token: vendor.key })).body.campaign_milestone_id;
    expectProblem(await f.api.get(`/v1/campaign-milestones/${id}`, { token: other.key }), 404);
    expectProblem(await f.api.patch(`/v1/campaign-milestones/${id}`, { name: 'x' }, { token: other.key }), 404);
    expectProblem(await f.api.delete(`/v1/campaign-milestones/${id}`, { token: other.key }), 404);
  });
});
