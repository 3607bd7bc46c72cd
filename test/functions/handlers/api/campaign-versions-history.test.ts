/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON asserted field by field. */
/**
 * `GET /v1/campaigns/{id}/versions` carries each version's own terms and tiers, so the vendor
 * dashboard can say what changed between versions (amounts in the campaign currency's format).
 */
import { describe, expect, it } from 'vitest';
import { campaignBody, createVendor } from '../../../support/platform/api-fixture.js';
import { useApiFixture } from '../../../support/platform/use-api-fixture.js';

const f = useApiFixture();

describe('GET /v1/campaigns/{id}/versions', () => {
  it("lists every version with its own terms and tiers, oldest first", async () => {
    const vendor = await createVendor(f.api);
    const tiers = [
      { label: 'Bronze', min_amount: '0', max_amount: '500', reward_type: 'percentage', reward_value: '5' },
      { label: 'Silver', min_amount: '500', max_amount: '5000', reward_type: 'percentage', reward_value: '8' },
    ];
    const created = await f.api.post('/v1/campaigns', campaignBody({ default_commission_type: 'tiered', default_commission_value: null, tiers, cookie_duration_days: 30 }), { token: vendor.key });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.campaign_id;
    const raised = [tiers[0], { ...tiers[1], reward_value: '10' }];
    const patched = await f.api.patch(`/v1/campaigns/${id}`, { tiers: raised, cookie_duration_days: 45, is_public: false }, { token: vendor.key });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);

    const res = await f.api.get(`/v1/campaigns/${id}/versions`, { token: vendor.key });
    expect(res.status).toBe(200);
    const [v1, v2] = res.body.data;
    expect(v1).toMatchObject({ version_number: 1, cookie_duration_days: 30, is_public: true, default_commission_type: 'tiered' });
    expect(v2).toMatchObject({ version_number: 2, cookie_duration_days: 45, is_public: false });
    // Each version's tiers read exactly as the campaign showed them when that version was current.
    const pick = (t: any) => ({ label: t.label, min_amount: t.min_amount, max_amount: t.max_amount, reward_type: t.reward_type, reward_value: t.reward_value });
    expect(v1.tiers).toEqual(created.body.tiers.map(pick));
    expect(v2.tiers).toEqual(patched.body.tiers.map(pick));
    expect(v1.tiers.map((t: any) => t.label)).toEqual(['Bronze', 'Silver']);
    expect(v2.tiers.find((t: any) => t.label === 'Silver').reward_value).not.toBe(v1.tiers.find((t: any) => t.label === 'Silver').reward_value);
    expect(v2.tiers.find((t: any) => t.label === 'Bronze')).toEqual(v1.tiers.find((t: any) => t.label === 'Bronze'));
  });

  it("is the vendor's own: another vendor gets 404", async () => {
    const owner = await createVendor(f.api);
    const other = await createVendor(f.api);
    const created = await f.api.post('/v1/campaigns', campaignBody(), { token: owner.key });
    expect((await f.api.get(`/v1/campaigns/${created.body.campaign_id}/versions`, { token: other.key })).status).toBe(404);
  });
});
