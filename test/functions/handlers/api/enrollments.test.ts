import { describe, expect, it } from 'vitest';
import { createInMemoryClickQueue, createInMemoryClickStore, createInMemoryRequestRateCounter } from '../../../../bench/redirect-in-memory-adapters.js';
import { createIngestClicks } from '../../../../functions/handlers/ingest-clicks.js';
import { createRedirect } from '../../../../functions/handlers/redirect.js';
import { computeEnrollmentTotals } from '../../../../functions/repositories/payouts/totals.js';
import { buildApiEvent } from '../../../support/platform/api-client.js';
import { sqsEvent } from '../../../support/messages/clicks.js';
import {
  adminToken,
  auditRows,
  createCampaign,
  createLink,
  createPartner,
  createVendor,
  enroll,
  expectProblem,
  publicBaseUrl,
  type VendorHandle,
} from '../../../support/platform/api-fixture.js';
import { useApiFixture } from '../../../support/platform/use-api-fixture.js';

const BROWSER = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

let vendor: VendorHandle;
const f = useApiFixture(async () => {
  vendor = await createVendor(f.api);
});

describe('POST /v1/campaigns/{campaign_id}/partners', () => {
  it('enrolls a partner directly as approved, once', async () => {
    const campaign = await createCampaign(f.api, vendor.key, { approval_required: true });
    const partner = await createPartner(f.api);
    const res = await f.api.post(`/v1/campaigns/${campaign.campaign_id}/partners`, { partner_id: partner.partner_id }, { token: vendor.key });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'approved',
      partner_id: partner.partner_id,
      campaign_id: campaign.campaign_id,
      campaign_version_id: campaign.campaign_version_id,
      approved_by: vendor.vendor_user_id,
      total_revenue: '0.00',
    });
    expect(await auditRows(f.db, 'campaign_partners', res.body.campaign_partner_id)).toEqual([
      expect.objectContaining({ action: 'create', actor_type: 'vendor_user' }),
    ]);
    expectProblem(await f.api.post(`/v1/campaigns/${campaign.campaign_id}/partners`, { partner_id: partner.partner_id }, { token: vendor.key }), 409);
    expectProblem(await f.api.post(`/v1/campaigns/${campaign.campaign_id}/partners`, { partner_id: 987654 }, { token: vendor.key }), 404);
    expectProblem(await f.api.post(`/v1/campaigns/${campaign.campaign_id}/partners`, { partner_id: '1' }, { token: vendor.key }), 400);
    expectProblem(await f.api.post(`/v1/campaigns/${campaign.campaign_id}/partners`, { partner_id: 1, note: 'x' }, { token: vendor.key }), 400);
  });

  it('refuses suspended partners and inactive campaigns (409)', async () => {
    const campaign = await createCampaign(f.api, vendor.key);
    const partner = await createPartner(f.api);
    await f.api.post(`/v1/admin/partners/${partner.partner_id}/suspend`, {}, { token: adminToken });
    expectProblem(await f.api.post(`/v1/campaigns/${campaign.campaign_id}/partners`, { partner_id: partner.partner_id }, { token: vendor.key }), 409);
    const ok = await createPartner(f.api);
    await f.api.post(`/v1/campaigns/${campaign.campaign_id}/pause`, {}, { token: vendor.key });
    expectProblem(await f.api.post(`/v1/campaigns/${campaign.campaign_id}/partners`, { partner_id: ok.partner_id }, { token: vendor.key }), 409);
  });
});

describe('max_partners', () => {
  it('is enforced on direct enrollment, self-approval and approval (409)', async () => {
    const campaign = await createCampaign(f.api, vendor.key, { max_partners: 2, approval_required: true });
    const [a, b, c, d] = [await createPartner(f.api), await createPartner(f.api), await createPartner(f.api), await createPartner(f.api)];
    await enroll(f.api, vendor.key, campaign.campaign_id, a.partner_id);
    const pendingC = await f.api.post(`/v1/partner/campaigns/${campaign.campaign_id}/apply`, {}, { token: c.key });
    expect(pendingC.body.status).toBe('pending');
    await enroll(f.api, vendor.key, campaign.campaign_id, b.partner_id);
    expectProblem(await f.api.post(`/v1/campaigns/${campaign.campaign_id}/partners`, { partner_id: d.partner_id }, { token: vendor.key }), 409);
    const approve = await f.api.post(`/v1/campaign-partners/${pendingC.body.campaign_partner_id}/approve`, {}, { token: vendor.key });
    expectProblem(approve, 409);
    expect(approve.body.detail).toContain('max_partners');
    expectProblem(await f.api.post(`/v1/partner/campaigns/${campaign.campaign_id}/apply`, {}, { token: d.key }), 409);
  });
});

describe('max_partners under concurrency', () => {
  it('concurrent approvals never overshoot the limit', async () => {
    const campaign = await createCampaign(f.api, vendor.key, { max_partners: 1, approval_required: true });
    const applications = [];
    for (let i = 0; i < 4; i += 1) {
      const partner = await createPartner(f.api);
      applications.push((await f.api.post(`/v1/partner/campaigns/${campaign.campaign_id}/apply`, {}, { token: partner.key })).body.campaign_partner_id);
    }
    const results = await Promise.all(
      applications.map((id) => f.api.post(`/v1/campaign-partners/${id}/approve`, {}, { token: vendor.key })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
    const approved = await f.api.get(`/v1/campaign-partners?status=approved&campaign_id=${campaign.campaign_id}`, { token: vendor.key });
    expect(approved.body.data).toHaveLength(1);
  });
});

describe('applications', () => {
  it('apply is pending where approval is required and approved where not; approve, reject and remove follow the lifecycle', async () => {
    const open = await createCampaign(f.api, vendor.key);
    const gated = await createCampaign(f.api, vendor.key, { approval_required: true });
    const partner = await createPartner(f.api);
    const other = await createPartner(f.api);

    const market = await f.api.get('/v1/partner/campaigns?limit=100', { token: partner.key });
    expect(market.status).toBe(200);
    expect(market.body.data.map((c: { campaign_id: number }) => c.campaign_id)).toEqual(expect.arrayContaining([open.campaign_id, gated.campaign_id]));

    const auto = await f.api.post(`/v1/partner/campaigns/${open.campaign_id}/apply`, { application_note: 'I blog' }, { token: partner.key });
    expect(auto.status).toBe(201);
    expect(auto.body).toMatchObject({ status: 'approved', application_note: 'I blog' });
    expectProblem(await f.api.post(`/v1/partner/campaigns/${open.campaign_id}/apply`, {}, { token: partner.key }), 409);

    const pending = await f.api.post(`/v1/partner/campaigns/${gated.campaign_id}/apply`, {}, { token: partner.key });
    expect(pending.body.status).toBe('pending');
    const rejected = await f.api.post(`/v1/partner/campaigns/${gated.campaign_id}/apply`, {}, { token: other.key });

    const listPending = await f.api.get(`/v1/campaign-partners?status=pending&campaign_id=${gated.campaign_id}`, { token: vendor.key });
    expect(listPending.body.data.map((e: { campaign_partner_id: number }) => e.campaign_partner_id).sort()).toEqual(
      [pending.body.campaign_partner_id, rejected.body.campaign_partner_id].sort(),
    );

    const approved = await f.api.post(`/v1/campaign-partners/${pending.body.campaign_partner_id}/approve`, {}, { token: vendor.key });
    expect(approved.body).toMatchObject({ status: 'approved', approved_by: vendor.vendor_user_id });
    expectProblem(await f.api.post(`/v1/campaign-partners/${pending.body.campaign_partner_id}/approve`, {}, { token: vendor.key }), 409);

    expectProblem(await f.api.post(`/v1/campaign-partners/${rejected.body.campaign_partner_id}/reject`, {}, { token: vendor.key }), 400);
    const rej = await f.api.post(`/v1/campaign-partners/${rejected.body.campaign_partner_id}/reject`, { rejection_reason: 'No fit' }, { token: vendor.key });
    expect(rej.body).toMatchObject({ status: 'rejected', rejection_reason: 'No fit' });
    expectProblem(await f.api.post(`/v1/campaign-partners/${rejected.body.campaign_partner_id}/approve`, {}, { token: vendor.key }), 409);

    const link = await createLink(f.api, partner.key, gated.campaign_id);
    expect((await f.redirect(link.short_code)).status).toBe(302);
    const removed = await f.api.post(`/v1/campaign-partners/${pending.body.campaign_partner_id}/remove`, { reason: 'ended' }, { token: vendor.key });
    expect(removed.body.status).toBe('removed');
    expect((await f.linkStore.get(link.short_code))?.status).toBe('inactive');
    expect((await f.redirect(link.short_code)).status).toBe(404);
    expectProblem(await f.api.post(`/v1/campaign-partners/${pending.body.campaign_partner_id}/remove`, {}, { token: vendor.key }), 409);
    expectProblem(await f.api.post('/v1/partner/links', { campaign_id: gated.campaign_id }, { token: partner.key }), 403);

    const audit = await auditRows(f.db, 'campaign_partners', pending.body.campaign_partner_id);
    expect(audit.map((a) => a.action)).toEqual(['apply', 'approve', 'remove']);
    expect(audit[1]!.changes).toMatchObject({ before: { status: 'pending' }, after: { status: 'approved' } });
    expect(audit[2]).toMatchObject({ reason: 'ended', actor_type: 'vendor_user', ip_address: '203.0.113.7' });

    const vendorView = await f.api.get(`/v1/campaign-partners/${pending.body.campaign_partner_id}/links`, { token: vendor.key });
    expect(vendorView.body.data.map((l: { short_code: string }) => l.short_code)).toEqual([link.short_code]);

    const mine = await f.api.get('/v1/partner/enrollments', { token: partner.key });
    expect(mine.body.data.map((e: { status: string }) => e.status).sort()).toEqual(['approved', 'removed']);
  });

  it('private campaigns are not in the marketplace and cannot be applied to (404); suspended partners cannot apply (403)', async () => {
    const hidden = await createCampaign(f.api, vendor.key, { is_public: false });
    const partner = await createPartner(f.api);
    const market = await f.api.get('/v1/partner/campaigns?limit=100', { token: partner.key });
    expect(market.body.data.map((c: { campaign_id: number }) => c.campaign_id)).not.toContain(hidden.campaign_id);
    expectProblem(await f.api.post(`/v1/partner/campaigns/${hidden.campaign_id}/apply`, {}, { token: partner.key }), 404);
    expectProblem(await f.api.get(`/v1/partner/campaigns/${hidden.campaign_id}`, { token: partner.key }), 404);
    // Once enrolled by the vendor, the private campaign is visible to that partner.
    const insider = await createPartner(f.api);
    await enroll(f.api, vendor.key, hidden.campaign_id, insider.partner_id);
    const seen = await f.api.get(`/v1/partner/campaigns/${hidden.campaign_id}`, { token: insider.key });
    expect(seen.body).toMatchObject({ campaign_id: hidden.campaign_id, enrollment_status: 'approved' });
    const open = await createCampaign(f.api, vendor.key);
    await f.api.post(`/v1/admin/partners/${partner.partner_id}/suspend`, {}, { token: adminToken });
    expectProblem(await f.api.post(`/v1/partner/campaigns/${open.campaign_id}/apply`, {}, { token: partner.key }), 403);
  });
});

describe('GET /v1/partner/dashboard', () => {
  it('lists approved enrollments with clicks, conversions, revenue, commission and totals', async () => {
    const partner = await createPartner(f.api);
    const c1 = await createCampaign(f.api, vendor.key, { name: 'One' });
    const c2 = await createCampaign(f.api, vendor.key, { name: 'Two' });
    const cp1 = await enroll(f.api, vendor.key, c1.campaign_id, partner.partner_id);
    const cp2 = await enroll(f.api, vendor.key, c2.campaign_id, partner.partner_id);
    await f.db.sql.query(
      `UPDATE campaign_partners SET total_clicks = 120, total_conversions = 3, total_revenue = '250.10', total_commission_earned = '25.01',
         last_conversion_at = '2026-02-01T10:00:00Z' WHERE campaign_partner_id = :id::integer`,
      { id: cp1 },
    );
    await f.db.sql.query(
      `UPDATE campaign_partners SET total_clicks = 5, total_conversions = 1, total_revenue = '0.20', total_commission_earned = '0.02'
       WHERE campaign_partner_id = :id::integer`,
      { id: cp2 },
    );
    const res = await f.api.get('/v1/partner/dashboard', { token: partner.key });
    expect(res.status).toBe(200);
    expect(res.body.campaigns).toEqual([
      expect.objectContaining({ campaign_partner_id: cp1, campaign_name: 'One', total_clicks: 120, total_revenue: '250.10', total_commission_earned: '25.01', last_conversion_at: '2026-02-01T10:00:00.000Z' }),
      expect.objectContaining({ campaign_partner_id: cp2, campaign_name: 'Two', total_conversions: 1, total_revenue: '0.20' }),
    ]);
    // Money per currency: both campaigns price in USD, so one entry.
    expect(res.body.totals).toEqual({
      total_clicks: 125,
      total_conversions: 4,
      money: [{ currency: 'USD', revenue: '250.30', commission: '25.03' }],
      filtered_clicks: {},
    });
    expectProblem(await f.api.get('/v1/partner/dashboard', { token: vendor.key }), 403);
  });

  it('shows a burst above the velocity limit as counted clicks plus filtered clicks by reason', async () => {
    const partner = await createPartner(f.api);
    const campaign = await createCampaign(f.api, vendor.key, { name: 'Burst' });
    const cp = await enroll(f.api, vendor.key, campaign.campaign_id, partner.partner_id);
    const link = await createLink(f.api, partner.key, campaign.campaign_id);
    // The real redirect on the link the API wrote to the hot store, then the real click ingestion.
    const queue = createInMemoryClickQueue();
    const redirect = createRedirect({
      links: f.linkStore,
      clicks: createInMemoryClickStore(),
      queue,
      config: { publicBaseUrl, repeatClickWindowSeconds: 0 },
      now: () => new Date('2026-03-02T10:00:00.000Z'),
      velocity: { counter: createInMemoryRequestRateCounter(), limits: { perVisitorPerLink: 3, perIpPerLink: 100 } },
    });
    const burst = [];
    for (let i = 0; i < 9; i += 1) burst.push(await redirect(buildApiEvent('GET', `/${link.short_code}`, undefined, { headers: { 'user-agent': BROWSER } })));
    expect(burst.map((r) => r.statusCode)).toEqual(Array(9).fill(302));
    expect((await createIngestClicks({ sql: f.db.sql })(sqsEvent(queue.messages))).batchItemFailures).toEqual([]);

    const res = await f.api.get('/v1/partner/dashboard', { token: partner.key });
    expect(res.body.campaigns).toEqual([expect.objectContaining({ campaign_partner_id: cp, total_clicks: 3, filtered_clicks: { velocity: 6 } })]);
    expect(res.body.totals).toMatchObject({ total_clicks: 3, filtered_clicks: { velocity: 6 } });
    // The nightly totals rebuild agrees: filtered rows are not clicks.
    expect((await computeEnrollmentTotals(f.db.sql, [campaign.campaign_version_id])).get(cp)?.clicks).toBe(3);
  });
});

describe('GET /v1/partner/dashboard with campaigns in two currencies', () => {
  it('shows each campaign in its currency and totals money per currency, never one sum', async () => {
    const partner = await createPartner(f.api);
    const dollars = await createCampaign(f.api, vendor.key, { name: 'Dollars' });
    const euros = await createCampaign(f.api, vendor.key, { name: 'Euros', currency: 'EUR' });
    const yen = await createCampaign(f.api, vendor.key, { name: 'Yen', currency: 'JPY' });
    const ids = [
      [await enroll(f.api, vendor.key, dollars.campaign_id, partner.partner_id), '100.00', '10.00'],
      [await enroll(f.api, vendor.key, euros.campaign_id, partner.partner_id), '80.50', '8.05'],
      [await enroll(f.api, vendor.key, yen.campaign_id, partner.partner_id), '5000', '500'],
    ] as const;
    for (const [id, revenue, commission] of ids) {
      await f.db.sql.query(
        `UPDATE campaign_partners SET total_conversions = 1, total_revenue = :r::numeric, total_commission_earned = :c::numeric
         WHERE campaign_partner_id = :id::integer`,
        { id, r: revenue, c: commission },
      );
    }
    const res = await f.api.get('/v1/partner/dashboard', { token: partner.key });
    expect(res.status).toBe(200);
    expect(res.body.campaigns.map((c: Record<string, string>) => [c.campaign_name, c.currency, c.total_revenue, c.total_commission_earned])).toEqual([
      ['Dollars', 'USD', '100.00', '10.00'],
      ['Euros', 'EUR', '80.50', '8.05'],
      ['Yen', 'JPY', '5000', '500'],
    ]);
    expect(res.body.totals).toEqual({
      total_clicks: 0,
      total_conversions: 3,
      money: [
        { currency: 'EUR', revenue: '80.50', commission: '8.05' },
        { currency: 'JPY', revenue: '5000', commission: '500' },
        { currency: 'USD', revenue: '100.00', commission: '10.00' },
      ],
      filtered_clicks: {},
    });
    // The enrollment itself carries its campaign's currency.
    const enrollment = await f.api.get(`/v1/campaign-partners/${ids[2][0]}`, { token: vendor.key });
    expect(enrollment.body).toMatchObject({ currency: 'JPY', total_revenue: '5000', total_commission_earned: '500' });
  });
});
