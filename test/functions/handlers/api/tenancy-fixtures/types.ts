/**
 * A tenancy fixture: how to create, for the owning vendor, the objects an area's routes name in
 * their paths, and a valid body for each write route. `tenancy.test.ts` loads every other file in
 * this folder (each exporting `fixture`), so an area adds its own file and never edits the test.
 *
 *   // tenancy-fixtures/integrations.ts
 *   export const fixture: TenancyFixture = {
 *     async setup({ api, ownerKey }) {
 *       const res = await api.post('/v1/integrations', { name: 'Shop', type: 'webhook' }, { token: ownerKey });
 *       return { integration_id: res.body.integration_id };
 *     },
 *     bodies: { 'POST /v1/integrations/{integration_id}/mappings': { event_name: 'order.paid' } },
 *   };
 */
import type { ApiClient } from '../../../../support/platform/api-client.js';
import type { TestDatabase } from '../../../../support/database/test-database.js';

export interface TenancyContext {
  api: ApiClient;
  db: TestDatabase;
  /** The owning vendor's owner key: objects created with it belong to the vendor under test. */
  ownerKey: string;
  ownerVendorId: number;
  /** Ids the core fixture already created (campaign_id, campaign_partner_id, vendor_user_id, api_key_id). */
  ids: Readonly<Record<string, number | string>>;
}

export interface TenancyFixture {
  /** Creates the owner's objects; returns path parameter values by parameter name. */
  setup(ctx: TenancyContext): Promise<Record<string, number | string>>;
  /** A valid body per `"METHOD /path"`, so validation passes and ownership is what answers. */
  bodies?: Record<string, unknown>;
}
