/**
 * Walks EVERY vendor-scoped route (auth `vendor` or `api_key`) that names an object, with another
 * vendor's owner key: each must answer 404, never 403 or 2xx. A route added later without a
 * sample body or a known parameter fails this test, so new areas are covered as they land: an
 * area adds `tenancy-fixtures/<area>.ts` (see tenancy-fixtures/types.ts), never edits this file.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TenancyFixture } from './tenancy-fixtures/types.js';
import { allRoutes } from '../../../../functions/handlers/api/routes-index.js';
import { campaignBody, createCampaign, createPartner, createVendor, enroll } from '../../../support/platform/api-fixture.js';
import { useApiFixture } from '../../../support/platform/use-api-fixture.js';

const ids: Record<string, number | string> = {};
let intruderKey = '';
let ownerKey = '';

/** A valid body per route, so validation passes and the ownership check is what answers. */
const sampleBodies: Record<string, unknown> = {
  'PATCH /v1/campaigns/{campaign_id}': { name: 'Hijacked' },
  'POST /v1/campaigns/{campaign_id}/pause': {},
  'POST /v1/campaigns/{campaign_id}/resume': {},
  'POST /v1/campaigns/{campaign_id}/archive': {},
  'POST /v1/campaigns/{campaign_id}/partners': { partner_id: 0 /* filled in beforeAll */ },
  'POST /v1/campaign-partners/{campaign_partner_id}/approve': {},
  'POST /v1/campaign-partners/{campaign_partner_id}/reject': { rejection_reason: 'no' },
  'POST /v1/campaign-partners/{campaign_partner_id}/remove': {},
  'PATCH /v1/vendor-users/{vendor_user_id}': { role: 'member' },
};

const f = useApiFixture(async () => {
  const owner = await createVendor(f.api);
  const intruder = await createVendor(f.api);
  ownerKey = owner.key;
  intruderKey = intruder.key;
  const campaign = await createCampaign(f.api, owner.key, { approval_required: true });
  const partner = await createPartner(f.api);
  const other = await createPartner(f.api);
  const applied = await f.api.post(`/v1/partner/campaigns/${campaign.campaign_id}/apply`, {}, { token: partner.key });
  await enroll(f.api, owner.key, campaign.campaign_id, other.partner_id);
  const member = await f.api.post('/v1/vendor-users', { email: 'm@owner.test', name: 'M', role: 'member' }, { token: owner.key });
  const keys = await f.api.get('/v1/api-keys', { token: owner.key });
  ids.campaign_id = campaign.campaign_id;
  ids.campaign_partner_id = applied.body.campaign_partner_id;
  ids.vendor_user_id = member.body.vendor_user_id;
  ids.api_key_id = keys.body.data[0].api_key_id;
  sampleBodies['POST /v1/campaigns/{campaign_id}/partners'] = { partner_id: (await createPartner(f.api)).partner_id };

  const folder = new URL('./tenancy-fixtures/', import.meta.url);
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.ts') && name !== 'types.ts').sort()) {
    const { fixture } = (await import(new URL(file, folder).href)) as { fixture: TenancyFixture };
    Object.assign(ids, await fixture.setup({ api: f.api, db: f.db, ownerKey: owner.key, ownerVendorId: owner.vendor_id, ids: { ...ids } }));
    Object.assign(sampleBodies, fixture.bodies ?? {});
  }
});

const vendorScoped = allRoutes.filter((route) => (route.auth === 'vendor' || route.auth === 'api_key') && route.path.includes('{'));

describe('tenancy', () => {
  it('covers a meaningful set of routes', () => {
    expect(vendorScoped.length).toBeGreaterThanOrEqual(15);
  });

  it.each(vendorScoped.map((route) => [`${route.method} ${route.path}`, route] as const))(
    "%s with another vendor's key is 404",
    async (key, route) => {
      const path = route.path.replace(/\{([a-z_]+)\}/g, (_m: string, name: string) => {
        if (!(name in ids)) {
          throw new Error(`tenancy test: no fixture creates {${name}} (route ${key}): add test/functions/handlers/api/tenancy-fixtures/<area>.ts`);
        }
        return String(ids[name]);
      });
      const needsBody = route.body !== undefined && route.method !== 'GET' && route.method !== 'DELETE';
      if (needsBody && !(key in sampleBodies) && route.body.safeParse({}).success === false) {
        throw new Error(`tenancy test: add a sample body for ${key} in the area's tenancy-fixtures file`);
      }
      const res = await f.api.request(route.method, path, needsBody ? (sampleBodies[key] ?? {}) : undefined, { token: intruderKey });
      expect(res.status, `${key}: ${JSON.stringify(res.body)}`).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
    },
  );

  it("lists never show another vendor's rows", async () => {
    const campaigns = await f.api.get('/v1/campaigns', { token: intruderKey });
    expect(campaigns.body.data).toEqual([]);
    const enrollments = await f.api.get('/v1/campaign-partners', { token: intruderKey });
    expect(enrollments.body.data).toEqual([]);
    const users = await f.api.get('/v1/vendor-users', { token: intruderKey });
    expect(users.body.data).toHaveLength(1);
    const keys = await f.api.get('/v1/api-keys', { token: intruderKey });
    expect(keys.body.data.map((k: { api_key_id: number }) => k.api_key_id)).not.toContain(ids.api_key_id);
  });

  it('nothing the intruder tried changed the owner’s objects', async () => {
    const campaign = await f.api.get(`/v1/campaigns/${ids.campaign_id}`, { token: ownerKey });
    expect(campaign.body).toMatchObject({ name: campaignBody().name, status: 'active', version_number: 1 });
    const enrollment = await f.api.get(`/v1/campaign-partners/${ids.campaign_partner_id}`, { token: ownerKey });
    expect(enrollment.body.status).toBe('pending');
    expect((await f.api.get(`/v1/vendor-users/${ids.vendor_user_id}`, { token: ownerKey })).status).toBe(200);
  });
});
