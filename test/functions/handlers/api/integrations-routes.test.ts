import { beforeAll, describe, expect, it } from 'vitest';
import {
  auditRows,
  createCampaign,
  createVendor,
  expectProblem,
  publicBaseUrl,
  type VendorHandle,
} from '../../../support/platform/api-fixture.js';
import { useApiFixture } from '../../../support/platform/use-api-fixture.js';

let vendor: VendorHandle;
let other: VendorHandle;
const secret = 'whsec_super_secret_value_123';

const f = useApiFixture(async () => {
  vendor = await createVendor(f.api);
  other = await createVendor(f.api);
});

describe('POST /v1/integrations', () => {
  it('creates a Stripe endpoint with its webhook_url; the secret is never returned or audited', async () => {
    const res = await f.api.post('/v1/integrations', { type: 'stripe', name: 'Stripe live', config: { signing_secret: secret } }, { token: vendor.key });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const id = res.body.integration_id;
    expect(res.body).toMatchObject({
      type: 'stripe',
      name: 'Stripe live',
      campaign_id: null,
      webhook_url: `${publicBaseUrl}/webhooks/stripe/${id}`,
      config: { signing_secret_set: true },
    });
    expect(res.text).not.toContain(secret);
    const one = await f.api.get(`/v1/integrations/${id}`, { token: vendor.key });
    expect(one.status).toBe(200);
    expect(one.text).not.toContain(secret);
    const list = await f.api.get('/v1/integrations', { token: vendor.key });
    expect(list.body.data.map((i: { integration_id: number }) => i.integration_id)).toContain(id);
    expect(list.text).not.toContain(secret);
    expect(JSON.stringify(await auditRows(f.db, 'integrations', id))).not.toContain(secret);
    // Stored for the webhook Lambda, with the provider in config (the dictionary's type CHECK).
    const { rows } = await f.db.sql.query<{ type: string; config: Record<string, unknown> }>(
      `SELECT type, config FROM integrations WHERE integration_id = :id::integer`,
      { id },
    );
    expect(rows[0]).toEqual({ type: 'webhook', config: { provider: 'stripe', signing_secret: secret } });
  });

  it('binds a Shopify endpoint to one of the vendor’s campaigns; another vendor’s campaign is 404', async () => {
    const campaign = await createCampaign(f.api, vendor.key);
    const body = { type: 'shopify', name: 'Shop', config: { signing_secret: secret, shop_domain: 'trail.myshopify.com' }, campaign_id: campaign.campaign_id };
    const res = await f.api.post('/v1/integrations', body, { token: vendor.key });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ campaign_id: campaign.campaign_id, config: { shop_domain: 'trail.myshopify.com', signing_secret_set: true } });
    expectProblem(await f.api.post('/v1/integrations', body, { token: other.key }), 404);
  });

  it.each([
    ['an unknown provider', { type: 'paypal', name: 'x', config: { signing_secret: secret } }, 'body.type'],
    ['no secret', { type: 'stripe', name: 'x', config: {} }, 'body.config.signing_secret'],
    ['an unknown config field', { type: 'stripe', name: 'x', config: { signing_secret: secret, extra: 1 } }, 'body.config.extra'],
  ])('400 for %s', async (_name, body, path) => {
    const res = await f.api.post('/v1/integrations', body, { token: vendor.key });
    expectProblem(res, 400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it('another vendor’s integration is 404', async () => {
    const res = await f.api.post('/v1/integrations', { type: 'stripe', name: 'Mine', config: { signing_secret: secret } }, { token: vendor.key });
    expectProblem(await f.api.get(`/v1/integrations/${res.body.integration_id}`, { token: other.key }), 404);
    expectProblem(await f.api.post(`/v1/integrations/${res.body.integration_id}/mappings`, { event_name: 'orders/paid', mapping_config: {} }, { token: other.key }), 404);
  });
});

describe('POST /v1/integrations/{id}/mappings', () => {
  let integrationId: number;
  let campaign: { campaign_id: number; campaign_version_id: number };
  beforeAll(async () => {
    const res = await f.api.post('/v1/integrations', { type: 'shopify', name: 'Shop', config: { signing_secret: secret } }, { token: vendor.key });
    integrationId = res.body.integration_id;
    campaign = await createCampaign(f.api, vendor.key);
  });

  it('stores the dictionary’s shape, resolving event_type to its id and campaign to its current version', async () => {
    const res = await f.api.post(
      `/v1/integrations/${integrationId}/mappings`,
      {
        event_name: 'orders/paid',
        campaign_id: campaign.campaign_id,
        mapping_config: {
          event_type: 'sale',
          field_mappings: { customer_email: '$.customer.email', event_value: '$.total_price', transaction_id: '$.order_number' },
          conditions: { min_value: 50, excluded_tags: ['test', 'internal'] },
        },
      },
      { token: vendor.key },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const { rows } = await f.db.sql.query<{ id: number }>(`SELECT conversion_event_type_id AS id FROM conversion_event_types WHERE name = 'sale'`);
    expect(res.body).toMatchObject({
      integration_id: integrationId,
      event_name: 'orders/paid',
      campaign_id: campaign.campaign_id,
      campaign_version_id: campaign.campaign_version_id,
      event_type: 'sale',
      mapping_config: {
        conversion_event_type_id: rows[0]!.id,
        field_mappings: { transaction_id: '$.order_number' },
        conditions: { min_value: '50', excluded_tags: ['test', 'internal'] },
      },
    });
    const list = await f.api.get(`/v1/integrations/${integrationId}/mappings`, { token: vendor.key });
    expect(list.body.data).toHaveLength(1);
  });

  it.each([
    ['an unknown condition', { conditions: { max_value: 10 } }, 'body.mapping_config.conditions.max_value'],
    ['an unknown mapped field', { field_mappings: { partner_id: '$.x' } }, 'body.mapping_config.field_mappings.partner_id'],
    ['a script filter in a JSONPath', { field_mappings: { event_value: '$..[?(@.price > 1)]' } }, 'body.mapping_config.field_mappings.event_value'],
    ['a path not starting with $', { field_mappings: { event_value: 'total_price' } }, 'body.mapping_config.field_mappings.event_value'],
    ['an unknown event type', { event_type: 'teleport' }, 'body.mapping_config.event_type'],
    ['a min_value with 3 decimals', { conditions: { min_value: '1.005' } }, 'body.mapping_config.conditions.min_value'],
  ])('400 for %s', async (_name, mapping_config, path) => {
    const res = await f.api.post(`/v1/integrations/${integrationId}/mappings`, { event_name: 'orders/paid', mapping_config }, { token: vendor.key });
    expectProblem(res, 400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });
});
