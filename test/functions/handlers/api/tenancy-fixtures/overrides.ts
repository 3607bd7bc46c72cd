import type { TenancyFixture } from './types.js';
import { createPartner } from '../../../../support/platform/api-fixture.js';

export const fixture: TenancyFixture = {
  async setup({ api, ownerKey, ids }) {
    const partner = await createPartner(api);
    const res = await api.post(
      `/v1/campaigns/${ids.campaign_id}/overrides`,
      { partner_id: partner.partner_id, commission_type: 'flat', commission_value: '2.00' },
      { token: ownerKey },
    );
    if (res.status !== 201) throw new Error(`overrides fixture: ${JSON.stringify(res.body)}`);
    fixture.bodies!['POST /v1/campaigns/{campaign_id}/overrides'] = { partner_id: partner.partner_id, commission_type: 'flat', commission_value: '1.00' };
    return { partner_campaign_override_id: res.body.partner_campaign_override_id };
  },
  bodies: {},
};
