/**
 * The app's API types are generated from the OpenAPI document; a route added or changed without
 * `npm run generate:api-types` leaves the app typed against an API that no longer exists.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, generateApiTypes } from '../../web/generate-api-types.js';

describe('web/src/api/schema.d.ts', () => {
  it('is what npm run generate:api-types writes for the routes as they are (run it when this fails)', async () => {
    const [committed, fresh] = await Promise.all([readFile(API_TYPES_FILE, 'utf8'), generateApiTypes()]);
    expect(committed === fresh, 'web/src/api/schema.d.ts is stale: run npm run generate:api-types').toBe(true);
  });

  it('types the partner routes the portal calls', async () => {
    const types = await readFile(API_TYPES_FILE, 'utf8');
    for (const path of ['/v1/partner/campaigns', '/v1/partner/dashboard', '/v1/partner/links', '/v1/partner/payouts', '/v1/partner/payment-methods']) {
      expect(types).toContain(`"${path}": {`);
    }
  });
});
