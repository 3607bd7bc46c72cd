import { describe, expect, it } from 'vitest';
import { auditRows, createCampaign, createVendor, expectProblem, type VendorHandle } from '../../../support/platform/api-fixture.js';
import { useApiFixture } from '../../../support/platform/use-api-fixture.js';

let vendor: VendorHandle;
let other: VendorHandle;
let campaign: { campaign_id: number; campaign_version_id: number };

const f = useApiFixture(async () => {
  vendor = await createVendor(f.api);
  other = await createVendor(f.api);
  campaign = await createCampaign(f.api, vendor.key);
});

const rule = (extra: Record<string, unknown> = {}) => ({
  name: 'Gold partners Q4',
  conditions: { partner_tiers: ['gold'], min_event_value: '100.00', date_range: { start: '2026-10-01', end: '2026-12-31' } },
  actions: { commission_multiplier: 1.5, bonus_flat: '5' },
  ...extra,
});

describe('commission rules', () => {
  it('creates a rule with normalised amounts, scoped to a version, audited; reads, lists and filters it', async () => {
    const res = await f.api.post('/v1/commission-rules', rule({ campaign_version_id: campaign.campaign_version_id }), { token: vendor.key, sourceIp: '192.0.2.44' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      name: 'Gold partners Q4',
      active: true,
      campaign_version_id: campaign.campaign_version_id,
      campaign_id: campaign.campaign_id,
      conditions: { partner_tiers: ['gold'], min_event_value: '100', date_range: { start: '2026-10-01', end: '2026-12-31' } },
      actions: { commission_multiplier: '1.5', bonus_flat: '5' },
      valid_until: null,
    });
    const id = res.body.commission_rule_id;
    const audit = await auditRows(f.db, 'commission_rules', id);
    expect(audit).toMatchObject([{ action: 'create', actor_type: 'vendor_user', actor_id: vendor.vendor_user_id, ip_address: '192.0.2.44' }]);
    expect((audit[0]!.changes as { after: Record<string, unknown> }).after).toMatchObject({ name: 'Gold partners Q4', actions: { bonus_flat: '5' } });

    expect((await f.api.get(`/v1/commission-rules/${id}`, { token: vendor.key })).body.commission_rule_id).toBe(id);
    const global = await f.api.post('/v1/commission-rules', rule({ name: 'All' }), { token: vendor.key });
    expect(global.body.campaign_version_id).toBeNull();
    const filtered = await f.api.get('/v1/commission-rules', { token: vendor.key, query: { campaign_version_id: campaign.campaign_version_id } });
    expect(filtered.body.data.map((r: { commission_rule_id: number }) => r.commission_rule_id)).toEqual([id]);
    const all = await f.api.get('/v1/commission-rules', { token: vendor.key });
    expect(all.body.data).toHaveLength(2);
    expect((await f.api.get('/v1/commission-rules', { token: other.key })).body.data).toEqual([]);
  });

  it.each([
    ['an unknown condition key', { conditions: { partner_tier: ['gold'] } }, 'body.conditions.partner_tier'],
    ['an unknown action key', { actions: { bonus: '5' } }, 'body.actions.bonus'],
    ['an unknown top-level field', { priority: 1 }, 'body.priority'],
    ['conditions that are not an object', { conditions: '{"partner_tiers":["gold"]}' }, 'body.conditions'],
    ['no action', { actions: {} }, 'body.actions'],
    ['commission_type without a value', { actions: { commission_type: 'flat' } }, 'body.actions'],
    ['a percentage above 100', { actions: { commission_type: 'percentage', commission_value: '101' } }, 'body.actions'],
    ['a reversed date_range', { conditions: { date_range: { start: '2026-12-01', end: '2026-11-01' } } }, 'body.conditions.date_range'],
    ['a negative min_event_value', { conditions: { min_event_value: -1 } }, 'body.conditions.min_event_value'],
    ['valid_until before valid_from', { valid_from: '2026-05-01T00:00:00Z', valid_until: '2026-04-01T00:00:00Z' }, 'body.valid_until'],
  ])('400 problem+json for %s, naming the field', async (_name, extra, path) => {
    const res = await f.api.post('/v1/commission-rules', rule(extra), { token: vendor.key });
    expectProblem(res, 400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it('400 for malformed JSON', async () => {
    const res = await f.api.post('/v1/commission-rules', undefined, { token: vendor.key, rawBody: '{"name": "x", "conditions": {' });
    expectProblem(res, 400);
  });

  it('PATCH replaces conditions (validated strictly), deactivates and is audited with changed_fields', async () => {
    const res = await f.api.post('/v1/commission-rules', rule(), { token: vendor.key });
    const id = res.body.commission_rule_id;
    const bad = await f.api.patch(`/v1/commission-rules/${id}`, { conditions: { first_purchase: true } }, { token: vendor.key });
    expectProblem(bad, 400);
    expect(bad.body.errors[0].path).toBe('body.conditions.first_purchase');
    const patched = await f.api.patch(`/v1/commission-rules/${id}`, { conditions: { is_first_purchase: true }, active: false }, { token: vendor.key });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ conditions: { is_first_purchase: true }, active: false, actions: { bonus_flat: '5' } });
    const audit = await auditRows(f.db, 'commission_rules', id);
    expect(audit.map((a) => a.action)).toEqual(['create', 'update']);
    expect((audit[1]!.changes as { changed_fields: string[] }).changed_fields).toEqual(['active', 'conditions']);
    expect((await f.api.get('/v1/commission-rules', { token: vendor.key, query: { active: 'false' } })).body.data.map((r: { commission_rule_id: number }) => r.commission_rule_id)).toEqual([id]);
    const window = await f.api.patch(`/v1/commission-rules/${id}`, { valid_until: '2000-01-01T00:00:00Z' }, { token: vendor.key });
    expectProblem(window, 400);
  });

  it('DELETE is audited; then 404', async () => {
    const id = (await f.api.post('/v1/commission-rules', rule(), { token: vendor.key })).body.commission_rule_id;
    expect((await f.api.delete(`/v1/commission-rules/${id}`, { token: vendor.key })).status).toBe(204);
    expectProblem(await f.api.get(`/v1/commission-rules/${id}`, { token: vendor.key }), 404);
    expect((await auditRows(f.db, 'commission_rules', id)).map((a) => a.action)).toEqual(['create', 'delete']);
  });

  it("401 without a key, 403 for a member, 404 for another vendor's rule or version", async () => {
    expectProblem(await f.api.post('/v1/commission-rules', rule()), 401);
    const member = await f.api.post('/v1/vendor-users', { email: `m-${Date.now()}@o.test`, name: 'M', role: 'member' }, { token: vendor.key });
    expectProblem(await f.api.post('/v1/commission-rules', rule(), { token: member.body.api_key }), 403);
    const id = (await f.api.post('/v1/commission-rules', rule(), { token: vendor.key })).body.commission_rule_id;
    expectProblem(await f.api.get(`/v1/commission-rules/${id}`, { token: other.key }), 404);
    expectProblem(await f.api.patch(`/v1/commission-rules/${id}`, { name: 'x' }, { token: other.key }), 404);
    expectProblem(await f.api.delete(`/v1/commission-rules/${id}`, { token: other.key }), 404);
    expectProblem(await f.api.post('/v1/commission-rules', rule({ campaign_version_id: campaign.campaign_version_id }), { token: other.key }), 404);
    expect((await f.api.get(`/v1/commission-rules/${id}`, { token: vendor.key })).body.name).toBe('Gold partners Q4');
  });
});

describe('OpenAPI', () => {
  it('documents the routes of this area and its siblings (overrides, rewards, milestones, leads, content pieces, partner types)', async () => {
    const doc = (await f.api.get('/v1/openapi.json')).body;
    for (const path of [
      '/v1/commission-rules',
      '/v1/commission-rules/{commission_rule_id}',
      '/v1/campaigns/{campaign_id}/overrides',
      '/v1/campaign-overrides/{partner_campaign_override_id}',
      '/v1/rewards/{reward_id}',
      '/v1/campaigns/{campaign_id}/milestones',
      '/v1/leads',
      '/v1/partner/content-pieces/{content_piece_id}',
      '/v1/admin/partner-types',
      '/v1/partner/types',
    ]) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    const body = doc.paths['/v1/commission-rules'].post.requestBody.content['application/json'].schema;
    expect(JSON.stringify(body)).toContain('partner_tiers');
  });
});
