import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { allRoutes } from '../../../../functions/handlers/api/routes-index.js';
import { createHandler } from '../../../../functions/handlers/management-api.js';
import type { PlatformDeps } from '../../../../functions/platform/composition-root.js';
import { createApiClient } from '../../../support/platform/api-client.js';

// The document needs no database, key or table: any touch of them fails the test.
const untouchable = new Proxy({}, { get: () => { throw new Error('the OpenAPI route must not use the database'); } });
const deps = {
  config: {
    tableNames: { links: 'links', clicks: 'clicks' },
    queueUrls: { clicks: '', conversions: '', notifications: '' },
    publicBaseUrl: 'https://go.example.test',
    repeatClickWindowSeconds: 3600,
  },
  sql: untouchable,
  dynamodb: new DynamoDBClient({ region: 'us-east-1' }),
  sqs: new SQSClient({ region: 'us-east-1' }),
  now: () => new Date('2026-03-01T00:00:00Z'),
} as unknown as PlatformDeps;
const f = { api: createApiClient(createHandler(deps)) };

describe('GET /v1/openapi.json', () => {
  it('serves an OpenAPI 3.1 document generated from the route schemas, without auth', async () => {
    const res = await f.api.get('/v1/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBeTruthy();
    for (const path of [
      '/v1/admin/vendors',
      '/v1/admin/partners',
      '/v1/admin/jobs/{name}',
      '/v1/campaigns',
      '/v1/campaigns/{campaign_id}',
      '/v1/campaigns/{campaign_id}/partners',
      '/v1/campaign-partners/{campaign_partner_id}/approve',
      '/v1/campaign-partners/{campaign_partner_id}/reject',
      '/v1/partner/campaigns',
      '/v1/partner/campaigns/{campaign_id}/apply',
      '/v1/partner/links',
      '/v1/partner/dashboard',
      '/v1/api-keys/rotate',
      '/v1/vendor-users',
    ]) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    const operations = Object.values(doc.paths as Record<string, Record<string, unknown>>).reduce((n, ops) => n + Object.keys(ops).length, 0);
    expect(operations).toBe(allRoutes.length);

    const createCampaign = doc.paths['/v1/campaigns'].post;
    const schema = createCampaign.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'destination_url', 'default_commission_type']));
    expect(schema.additionalProperties).toBe(false);
    // Money is a decimal string with a pattern, never a JSON number.
    expect(schema.properties.default_commission_value).toMatchObject({ type: ['string', 'null'], pattern: expect.stringContaining('\\d') });
    expect(createCampaign.responses['201']).toBeDefined();
    expect(createCampaign.responses['400'].content['application/problem+json']).toBeDefined();
    expect(doc.paths['/v1/campaigns/{campaign_id}'].get.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'campaign_id', in: 'path', required: true })]),
    );
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});
