import type { TenancyFixture } from './types.js';

export const fixture: TenancyFixture = {
  async setup({ api, ownerKey, ids }) {
    const res = await api.post(`/v1/campaigns/${ids.campaign_id}/milestones`, { name: '10 sales', event_type: 'sale', target_count: 10 }, { token: ownerKey });
    if (res.status !== 201) throw new Error(`milestones fixture: ${JSON.stringify(res.body)}`);
    return { campaign_milestone_id: res.body.campaign_milestone_id };
  },
  bodies: {
    'POST /v1/campaigns/{campaign_id}/milestones': { name: 'Hijack', event_type: 'sale', target_count: 1 },
    'PATCH /v1/campaign-milestones/{campaign_milestone_id}': { name: 'Hijacked' },
  },
};
