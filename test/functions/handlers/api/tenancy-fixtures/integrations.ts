/** Tenancy objects for the integrations area: one Shopify integration of the owning vendor. */
import type { TenancyFixture } from './types.js';

export const fixture: TenancyFixture = {
  async setup({ api, ownerKey }) {
    const res = await api.post(
      '/v1/integrations',
      { type: 'shopify', name: 'Tenancy shop', config: { signing_secret: 'whsec_tenancy_fixture_secret' } },
      { token: ownerKey },
    );
    if (res.status !== 201) throw new Error(`integration fixture: ${res.status} ${JSON.stringify(res.body)}`);
    return { integration_id: res.body.integration_id as number };
  },
  bodies: {
    'POST /v1/integrations/{integration_id}/mappings': { event_name: 'orders/paid', mapping_config: { event_type: 'sale' } },
  },
};
