import { describe, expect, it } from 'vitest';
import {
  auditRows,
  campaignBody,
  createCampaign,
  createLink,
  createPartner,
  createVendor,
  enroll,
  expectProblem,
  type VendorHandle,
} from '../../../support/platform/api-fixture.js';
import { useApiFixture } from '../../../support/platform/use-api-fixture.js';

let vendor: VendorHandle;
const f = useApiFixture(async () => {
  vendor = await createVendor(f.api);
});

const tiers = [
  { label: 'Bronze', min_amount: '0', max_amount: '1000.00', reward_type: 'percentage', reward_value: '5' },
  { label: 'Silver', min_amount: '1000.00', max_amount: '5000.00', reward_type: 'percentage', reward_value: '10' },
  { label: 'Gold', min_amount: '5000.00', max_amount: '99999999.99', reward_type: 'percentage', reward_value: '15' },
];

describe('POST /v1/campaigns', () => {
  it('creates the campaign at version 1 with money as decimal strings', async () => {
    const res = await f.api.post(
      '/v1/campaigns',
      campaignBody({ default_commission_value: '12.5', cookie_duration_days: 45, max_partners: 10, attribution_model: 'linear' }),
      { token: vendor.key },
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      vendor_id: vendor.vendor_id,
      status: 'active',
      version_number: 1,
      default_commission_type: 'percentage',
      default_commission_value: '12.50',
      cookie_duration_days: 45,
      max_partners: 10,
      attribution_model: 'linear',
      approval_required: false,
      is_public: true,
      tiers: [],
    });
    expect(res.body.campaign_version_id).toBe(res.body.current_campaign_version_id);
    const audit = await auditRows(f.db, 'campaigns', res.body.campaign_id);
    expect(audit).toEqual([expect.objectContaining({ action: 'create', actor_type: 'vendor_user', actor_id: vendor.vendor_user_id })]);
  });

  it('stores valid tiers in campaign_tiers', async () => {
    const res = await f.api.post('/v1/campaigns', campaignBody({ default_commission_type: 'tiered', default_commission_value: undefined, tiers }), {
      token: vendor.key,
    });
    expect(res.status).toBe(201);
    expect(res.body.tiers.map((t: { label: string; min_amount: string; max_amount: string }) => [t.label, t.min_amount, t.max_amount])).toEqual([
      ['Bronze', '0.00', '1000.00'],
      ['Silver', '1000.00', '5000.00'],
      ['Gold', '5000.00', '99999999.99'],
    ]);
    const { rows } = await f.db.sql.query('SELECT COUNT(*)::integer AS n FROM campaign_tiers WHERE campaign_version_id = :v::integer', {
      v: res.body.campaign_version_id,
    });
    expect(rows[0]).toEqual({ n: 3 });
  });

  it.each([
    ['no tiers when tiered', { default_commission_type: 'tiered', tiers: [] }, 'body.tiers'],
    ['a gap between tiers', { default_commission_type: 'tiered', tiers: [tiers[0], { ...tiers[1], min_amount: '1200.00' }] }, 'body.tiers.1.min_amount'],
    ['overlapping tiers', { default_commission_type: 'tiered', tiers: [tiers[0], { ...tiers[1], min_amount: '900.00' }] }, 'body.tiers.1.min_amount'],
    ['max not above min', { default_commission_type: 'tiered', tiers: [{ ...tiers[0], max_amount: '0' }] }, 'body.tiers.0.max_amount'],
    ['tiers on a flat campaign', { default_commission_type: 'flat', tiers }, 'body.tiers'],
    ['a percentage above 100', { default_commission_value: '100.01' }, 'body.default_commission_value'],
    ['a float amount', { default_commission_value: 12.5 }, 'body.default_commission_value'],
    ['three decimals', { default_commission_value: '1.234' }, 'body.default_commission_value'],
    ['a javascript: destination', { destination_url: 'javascript:alert(1)' }, 'body.destination_url'],
    ['an open-redirect destination', { destination_url: 'https://shop.example.com/?next=https://evil.test' }, 'body.destination_url'],
    ['an unknown attribution model', { attribution_model: 'random' }, 'body.attribution_model'],
    ['an unknown field', { commission: '5' }, 'body.commission'],
    ['missing name', { name: undefined }, 'body.name'],
  ])('refuses %s with 400 problem+json', async (_label, overrides, path) => {
    const res = await f.api.post('/v1/campaigns', campaignBody(overrides as Record<string, unknown>), { token: vendor.key });
    expectProblem(res, 400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });
});

describe('GET /v1/campaigns', () => {
  it('pages with an opaque cursor and filters by status', async () => {
    const v = await createVendor(f.api);
    const ids: number[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await createCampaign(f.api, v.key, { name: `C${i}` })).campaign_id);
    await f.api.post(`/v1/campaigns/${ids[0]}/pause`, {}, { token: v.key });
    const first = await f.api.get('/v1/campaigns?limit=2', { token: v.key });
    expect(first.status).toBe(200);
    expect(first.body.data.map((c: { campaign_id: number }) => c.campaign_id)).toEqual([ids[4], ids[3]]);
    const second = await f.api.get(`/v1/campaigns?limit=2&cursor=${first.body.next_cursor}`, { token: v.key });
    expect(second.body.data.map((c: { campaign_id: number }) => c.campaign_id)).toEqual([ids[2], ids[1]]);
    const third = await f.api.get(`/v1/campaigns?limit=2&cursor=${second.body.next_cursor}`, { token: v.key });
    expect(third.body).toMatchObject({ data: [{ campaign_id: ids[0] }], next_cursor: null });
    const paused = await f.api.get('/v1/campaigns?status=paused', { token: v.key });
    expect(paused.body.data.map((c: { campaign_id: number }) => c.campaign_id)).toEqual([ids[0]]);
    expectProblem(await f.api.get('/v1/campaigns?status=deleted', { token: v.key }), 400);
    expectProblem(await f.api.get('/v1/campaigns?cursor=garbage', { token: v.key }), 400);
    expectProblem(await f.api.get('/v1/campaigns?limit=1000', { token: v.key }), 400);
  });
});

describe('PATCH /v1/campaigns/{campaign_id}', () => {
  it('creates the next immutable version; enrollments and links move to it and keep redirecting', async () => {
    const campaign = await createCampaign(f.api, vendor.key);
    const partner = await createPartner(f.api);
    const cpId = await enroll(f.api, vendor.key, campaign.campaign_id, partner.partner_id);
    const link = await createLink(f.api, partner.key, campaign.campaign_id);
    // A negotiated rate (the overrides API is another area's; the row is what matters here).
    await f.db.sql.query(
      `INSERT INTO partner_campaign_overrides (partner_id, campaign_version_id, commission_type, commission_value)
       VALUES (:p::integer, :v::integer, 'percentage', '20.00')`,
      { p: partner.partner_id, v: campaign.campaign_version_id },
    );

    const res = await f.api.patch(
      `/v1/campaigns/${campaign.campaign_id}`,
      { default_commission_value: '15.00', cookie_duration_days: 60 },
      { token: vendor.key },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version_number: 2, default_commission_value: '15.00', cookie_duration_days: 60, name: 'Summer sale' });
    expect(res.body.campaign_version_id).not.toBe(campaign.campaign_version_id);

    // Version 1 is untouched.
    const { rows } = await f.db.sql.query<{ default_commission_value: string; cookie_duration_days: number }>(
      'SELECT default_commission_value, cookie_duration_days FROM campaign_versions WHERE campaign_version_id = :v::integer',
      { v: campaign.campaign_version_id },
    );
    expect(rows[0]).toEqual({ default_commission_value: '10.000', cookie_duration_days: 30 });

    const overrides = await f.db.sql.query<{ campaign_version_id: number; commission_value: string }>(
      'SELECT campaign_version_id, commission_value FROM partner_campaign_overrides WHERE partner_id = :p::integer',
      { p: partner.partner_id },
    );
    expect(overrides.rows).toEqual([{ campaign_version_id: res.body.campaign_version_id, commission_value: '20.000' }]);

    const enrollment = await f.api.get(`/v1/campaign-partners/${cpId}`, { token: vendor.key });
    expect(enrollment.body).toMatchObject({ status: 'approved', campaign_version_id: res.body.campaign_version_id });

    const item = await f.linkStore.get(link.short_code);
    expect(item).toMatchObject({
      status: 'active',
      campaign_version_id: res.body.campaign_version_id,
      cookie_duration_days: 60,
      destination_url: 'https://shop.example.com/summer',
    });
    const hop = await f.redirect(link.short_code);
    expect(hop.status).toBe(302);
    expect(hop.location).toMatch(/^https:\/\/shop\.example\.com\/summer\?aff_click_id=/);

    const versions = await f.api.get(`/v1/campaigns/${campaign.campaign_id}/versions`, { token: vendor.key });
    expect(versions.body.data.map((v: { version_number: number }) => v.version_number)).toEqual([1, 2]);
    const audit = await auditRows(f.db, 'campaigns', campaign.campaign_id);
    expect(audit.map((a) => a.action)).toEqual(['create', 'new_version']);
    expect((audit[1]!.changes as { changed_fields: string[] }).changed_fields).toEqual(
      expect.arrayContaining(['cookie_duration_days', 'default_commission_value', 'version_number']),
    );
  });

  it('keeps the version when nothing changes, and validates the merged terms', async () => {
    const campaign = await createCampaign(f.api, vendor.key);
    const same = await f.api.patch(`/v1/campaigns/${campaign.campaign_id}`, { default_commission_value: '10' }, { token: vendor.key });
    expect(same.body.version_number).toBe(1);
    const tiered = await f.api.patch(`/v1/campaigns/${campaign.campaign_id}`, { default_commission_type: 'tiered' }, { token: vendor.key });
    expectProblem(tiered, 400);
    expectProblem(await f.api.patch(`/v1/campaigns/${campaign.campaign_id}`, {}, { token: vendor.key }), 400);
    expectProblem(await f.api.patch(`/v1/campaigns/${campaign.campaign_id}`, { status: 'paused' }, { token: vendor.key }), 400);
  });
});

describe('campaign status', () => {
  it('pause, resume and archive flip the link items at once; archived is final', async () => {
    const campaign = await createCampaign(f.api, vendor.key);
    const partner = await createPartner(f.api);
    await enroll(f.api, vendor.key, campaign.campaign_id, partner.partner_id);
    const link = await createLink(f.api, partner.key, campaign.campaign_id);
    expect((await f.linkStore.get(link.short_code))?.status).toBe('active');

    const paused = await f.api.post(`/v1/campaigns/${campaign.campaign_id}/pause`, { reason: 'stock out' }, { token: vendor.key });
    expect(paused.body.status).toBe('paused');
    expect((await f.linkStore.get(link.short_code))?.status).toBe('inactive');
    expectProblem(await f.api.post('/v1/partner/links', { campaign_id: campaign.campaign_id }, { token: partner.key }), 403);

    await f.api.post(`/v1/campaigns/${campaign.campaign_id}/resume`, {}, { token: vendor.key });
    expect((await f.linkStore.get(link.short_code))?.status).toBe('active');

    const archived = await f.api.post(`/v1/campaigns/${campaign.campaign_id}/archive`, {}, { token: vendor.key });
    expect(archived.body.status).toBe('archived');
    expect((await f.linkStore.get(link.short_code))?.status).toBe('inactive');
    expectProblem(await f.api.post(`/v1/campaigns/${campaign.campaign_id}/resume`, {}, { token: vendor.key }), 409);
    expectProblem(await f.api.patch(`/v1/campaigns/${campaign.campaign_id}`, { name: 'x' }, { token: vendor.key }), 409);

    const audit = await auditRows(f.db, 'campaigns', campaign.campaign_id);
    expect(audit.map((a) => a.action)).toEqual(['create', 'pause', 'resume', 'archive']);
    expect(audit[1]).toMatchObject({ reason: 'stock out', changes: { before: { status: 'active' }, after: { status: 'paused' }, changed_fields: ['status'] } });
  });
});

describe('campaign currency (docs/money.md)', () => {
  it('is ISO 4217, USD by default, and its amounts follow its minor unit', async () => {
    const usd = await f.api.post('/v1/campaigns', campaignBody(), { token: vendor.key });
    expect(usd.body.currency).toBe('USD');
    const yen = await f.api.post(
      '/v1/campaigns',
      campaignBody({ currency: 'JPY', default_commission_type: 'flat', default_commission_value: '500' }),
      { token: vendor.key },
    );
    expect(yen.status, JSON.stringify(yen.body)).toBe(201);
    expect(yen.body).toMatchObject({ currency: 'JPY', default_commission_value: '500' });
    const dinar = await f.api.post(
      '/v1/campaigns',
      campaignBody({
        currency: 'KWD',
        default_commission_type: 'tiered',
        default_commission_value: null,
        tiers: [
          { label: 'Low', min_amount: '0', max_amount: '100.500', reward_type: 'flat', reward_value: '1.250' },
          { label: 'High', min_amount: '100.500', max_amount: '1000', reward_type: 'percentage', reward_value: '12.50' },
        ],
      }),
      { token: vendor.key },
    );
    expect(dinar.status, JSON.stringify(dinar.body)).toBe(201);
    expect(dinar.body.tiers.map((t: Record<string, string>) => [t.min_amount, t.max_amount, t.reward_value])).toEqual([
      ['0.000', '100.500', '1.250'],
      ['100.500', '1000.000', '12.50'],
    ]);
  });

  it.each([
    ['an unknown code', { currency: 'ABC' }, 'body.currency'],
    ['yen with decimals', { currency: 'JPY', default_commission_type: 'flat', default_commission_value: '500.50' }, 'body.default_commission_value'],
    ['a rate with three decimals', { currency: 'KWD', default_commission_value: '10.125' }, 'body.default_commission_value'],
  ])('400 naming the field for %s', async (_name, overrides, path) => {
    const res = await f.api.post('/v1/campaigns', campaignBody(overrides), { token: vendor.key });
    expectProblem(res, 400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it('cannot change on PATCH (400 naming body.currency); the same currency changes nothing', async () => {
    const campaign = await f.api.post('/v1/campaigns', campaignBody({ currency: 'EUR' }), { token: vendor.key });
    const changed = await f.api.patch(`/v1/campaigns/${campaign.body.campaign_id}`, { currency: 'USD' }, { token: vendor.key });
    expectProblem(changed, 400);
    expect(changed.body.errors).toEqual([expect.objectContaining({ path: 'body.currency' })]);
    const same = await f.api.patch(`/v1/campaigns/${campaign.body.campaign_id}`, { currency: 'EUR' }, { token: vendor.key });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ currency: 'EUR', version_number: 1 });
  });
});
