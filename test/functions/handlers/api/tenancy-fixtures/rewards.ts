import type { TenancyFixture } from './types.js';

export const fixture: TenancyFixture = {
  async setup({ api, ownerKey }) {
    const res = await api.post('/v1/rewards', { name: 'Bonus', reward_type: 'flat', reward_value: '50.00' }, { token: ownerKey });
    if (res.status !== 201) throw new Error(`rewards fixture: ${JSON.stringify(res.body)}`);
    return { reward_id: res.body.reward_id };
  },
  bodies: { 'PATCH /v1/rewards/{reward_id}': { name: 'Hijacked' } },
};
