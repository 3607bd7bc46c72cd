import type { TenancyFixture } from './types.js';

export const fixture: TenancyFixture = {
  async setup({ api, ownerKey }) {
    const res = await api.post('/v1/leads', { first_name: 'Ada', email: 'ada@lead.test' }, { token: ownerKey });
    if (res.status !== 201) throw new Error(`leads fixture: ${JSON.stringify(res.body)}`);
    return { lead_id: res.body.lead_id };
  },
  bodies: { 'PATCH /v1/leads/{lead_id}': { status: 'lost' } },
};
