import { describe, expect, it } from 'vitest';
import {
  auditRows,
  createCampaign,
  createPartner,
  createVendor,
  expectProblem,
  type PartnerHandle,
  type VendorHandle,
} from '../../../support/platform/api-fixture.js';
import { useApiFixture } from '../../../support/platform/use-api-fixture.js';

let vendor: VendorHandle;
let other: VendorHandle;
let partner: PartnerHandle;
let campaign: { campaign_id: number; campaign_version_id: number };

const f = useApiFixture(async () => {
  vendor = await createVendor(f.api);
  other = await createVendor(f.api);
  partner = await createPartner(f.api);
  campaign = await createCampaign(f.api, vendor.key);
});

const path = () => `/v1/campaigns/${campaign.campaign_id}/overrides`;

describe('partner campaign overrides', () => {
  it('creates an override on the current version, audited with the caller IP; a duplicate scope is 409', async () => {
    const body = {
      partner_id: partner.partner_id,
      conversion_event_type: 'sale',
      commission_type: 'percentage',
      commission_value: '15.50',
      notes: 'negotiated',
      valid_from: '2026-03-01T00:00:00.000Z',
      valid_until: '2026-06-01T00:00:00.000Z',
    };
    const res = await f.api.post(path(), body, { token: vendor.key, sourceIp: '198.51.100.9' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      partner_id: partner.partner_id,
      campaign_id: campaign.campaign_id,
      campaign_version_id: campaign.campaign_version_id,
      conversion_event_type: 'sale',
      commission_type: 'percentage',
      commission_value: '15.50',
      valid_from: '2026-03-01T00:00:00.000Z',
      valid_until: '2026-06-01T00:00:00.000Z',
    });
    const id = res.body.partner_campaign_override_id;
    const audit = await auditRows(f.db, 'partner_campaign_overrides', id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'create', actor_type: 'vendor_user', actor_id: vendor.vendor_user_id, ip_address: '198.51.100.9' });
    expect((audit[0]!.changes as { after: Record<string, unknown> }).after).toMatchObject({ commission_value: '15.50', partner_id: partner.partner_id });

    expectProblem(await f.api.post(path(), body, { token: vendor.key }), 409);
    // Same partner, another scope (all event types) is fine.
    const all = await f.api.post(path(), { partner_id: partner.partner_id, commission_type: 'flat', commission_value: '5' }, { token: vendor.key });
    expect(all.status, JSON.stringify(all.body)).toBe(201);
    expect(all.body.conversion_event_type).toBeNull();
    expectProblem(await f.api.post(path(), { partner_id: partner.partner_id, commission_type: 'flat', commission_value: '6' }, { token: vendor.key }), 409);

    const list = await f.api.get(path(), { token: vendor.key, query: { partner_id: partner.partner_id } });
    expect(list.status).toBe(200);
    expect(list.body.data.map((o: { partner_campaign_override_id: number }) => o.partner_campaign_override_id)).toEqual([all.body.partner_campaign_override_id, id]);
    const page = await f.api.get(path(), { token: vendor.key, query: { limit: 1 } });
    expect(page.body.data).toHaveLength(1);
    const next = await f.api.get(path(), { token: vendor.key, query: { limit: 1, cursor: page.body.next_cursor } });
    expect(next.body.data[0].partner_campaign_override_id).toBe(id);
  });

  it('delete is audited and frees the scope for a new override', async () => {
    const p = await createPartner(f.api);
    const body = { partner_id: p.partner_id, commission_type: 'flat', commission_value: '3.00' };
    const first = await f.api.post(path(), body, { token: vendor.key });
    const id = first.body.partner_campaign_override_id;
    expect((await f.api.delete(`/v1/campaign-overrides/${id}`, { token: vendor.key })).status).toBe(204);
    expectProblem(await f.api.get(`/v1/campaign-overrides/${id}`, { token: vendor.key }), 404);
    const again = await f.api.post(path(), { ...body, commission_value: '4.00' }, { token: vendor.key });
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.body.commission_value).toBe('4.00');
    const audit = await auditRows(f.db, 'partner_campaign_overrides', id);
    expect(audit.map((a) => a.action)).toEqual(['create', 'delete', 'create']);
    expect((audit[1]!.changes as { before: Record<string, unknown> }).before).toMatchObject({ commission_value: '3.00' });
  });

  it.each([
    ['an unknown field', { commission_type: 'flat', commission_value: '1', bonus: 1 }, 'body.bonus'],
    ['valid_until before valid_from', { commission_type: 'flat', commission_value: '1', valid_from: '2026-05-01T00:00:00Z', valid_until: '2026-04-01T00:00:00Z' }, 'body.valid_until'],
    ['valid_until in the past (valid_from defaults to now)', { commission_type: 'flat', commission_value: '1', valid_until: '2020-01-01T00:00:00Z' }, 'body.valid_until'],
    ['a percentage above 100', { commission_type: 'percentage', commission_value: '100.01' }, 'body.commission_value'],
    ['a numeric amount', { commission_type: 'flat', commission_value: 5 }, 'body.commission_value'],
    ['an unknown event type', { commission_type: 'flat', commission_value: '1', conversion_event_type: 'nope' }, 'body.conversion_event_type'],
  ])('400 for %s', async (_name, extra, field) => {
    const p = await createPartner(f.api);
    const res = await f.api.post(path(), { partner_id: p.partner_id, ...extra }, { token: vendor.key });
    expectProblem(res, 400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
  });

  it('401 without a key, 403 for a member, 404 for another vendor and an unknown partner', async () => {
    const body = { partner_id: partner.partner_id, commission_type: 'flat', commission_value: '1' };
    expectProblem(await f.api.post(path(), body), 401);
    const member = await f.api.post('/v1/vendor-users', { email: `m-${Date.now()}@o.test`, name: 'M', role: 'member' }, { token: vendor.key });
    expectProblem(await f.api.post(path(), body, { token: member.body.api_key }), 403);
    expect((await f.api.get(path(), { token: member.body.api_key })).status).toBe(200);
    expectProblem(await f.api.post(path(), body, { token: other.key }), 404);
    expectProblem(await f.api.get(path(), { token: other.key }), 404);
    expectProblem(await f.api.post(path(), { ...body, partner_id: 999999 }, { token: vendor.key }), 404);
    const list = await f.api.get(path(), { token: vendor.key });
    const id = list.body.data[0].partner_campaign_override_id;
    expectProblem(await f.api.get(`/v1/campaign-overrides/${id}`, { token: other.key }), 404);
    expectProblem(await f.api.delete(`/v1/campaign-overrides/${id}`, { token: other.key }), 404);
    expect((await f.api.get(`/v1/campaign-overrides/${id}`, { token: vendor.key })).status).toBe(200);
  });
});

describe('concurrent creates of one scope', () => {
  it('exactly one of two simultaneous creates wins; the other is 409', async () => {
    const p = await createPartner(f.api);
    const body = { partner_id: p.partner_id, conversion_event_type: 'sale', commission_type: 'flat', commission_value: '7.00' };
    const results = await Promise.all([f.api.post(path(), body, { token: vendor.key }), f.api.post(path(), body, { token: vendor.key })]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const { rows } = await f.db.sql.query<{ n: number }>(
      `SELECT COUNT(*)::integer AS n FROM partner_campaign_overrides WHERE partner_id = :id::integer AND is_deleted IS NOT TRUE`,
      { id: p.partner_id },
    );
    expect(rows[0]!.n).toBe(1);
  });
});
