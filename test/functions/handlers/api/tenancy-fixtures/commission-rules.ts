import type { TenancyFixture } from './types.js';

const body = { name: 'Rule', conditions: {}, actions: { bonus_flat: '1' } };

export const fixture: TenancyFixture = {
  async setup({ api, ownerKey }) {
    const res = await api.post('/v1/commission-rules', body, { token: ownerKey });
    if (res.status !== 201) throw new Error(`commission-rules fixture: ${JSON.stringify(res.body)}`);
    return { commission_rule_id: res.body.commission_rule_id };
  },
  bodies: { 'PATCH /v1/commission-rules/{commission_rule_id}': { name: 'Hijacked' } },
};
