import { describe, expect, it } from 'vitest';
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

let vendor: VendorHandle;
const f = useApiFixture(async () => {
  vendor = await createVendor(f.api);
});

describe('POST /v1/partner/links', () => {
  it('creates an unguessable short link whose item is in the hot store and redirects', async () => {
    const campaign = await createCampaign(f.api, vendor.key);
    const partner = await createPartner(f.api);
    const cpId = await enroll(f.api, vendor.key, campaign.campaign_id, partner.partner_id);
    const res = await f.api.post(
      '/v1/partner/links',
      {
        campaign_id: campaign.campaign_id,
        link_label: 'Blog CTA',
        utm_params: { utm_source: 'blog', utm_medium: 'referral' },
        custom_params: { placement: 'hero' },
      },
      { token: partner.key },
    );
    expect(res.status).toBe(201);
    expect(res.body.short_code).toMatch(/^[0-9A-Za-z]{8}$/);
    expect(res.body).toMatchObject({
      campaign_partner_id: cpId,
      campaign_id: campaign.campaign_id,
      url: `${publicBaseUrl}/${res.body.short_code}`,
      full_url: 'https://shop.example.com/summer?placement=hero&utm_source=blog&utm_medium=referral',
      link_label: 'Blog CTA',
      hot_store: 'synced',
    });
    expect(await f.linkStore.get(res.body.short_code)).toMatchObject({
      partner_link_id: res.body.partner_link_id,
      partner_id: partner.partner_id,
      vendor_id: vendor.vendor_id,
      campaign_version_id: campaign.campaign_version_id,
      status: 'active',
      utm_params: { utm_source: 'blog', utm_medium: 'referral' },
    });
    const hop = await f.redirect(res.body.short_code);
    expect(hop.status).toBe(302);
    expect(hop.location).toMatch(/^https:\/\/shop\.example\.com\/summer\?placement=hero&utm_source=blog&utm_medium=referral&aff_click_id=/);
    expect(await auditRows(f.db, 'partner_links', res.body.partner_link_id)).toEqual([
      expect.objectContaining({ action: 'create', actor_type: 'partner', actor_id: partner.partner_id }),
    ]);

    const list = await f.api.get('/v1/partner/links', { token: partner.key });
    expect(list.body.data.map((l: { partner_link_id: number }) => l.partner_link_id)).toEqual([res.body.partner_link_id]);
  });

  it('allows deep links on the same host only', async () => {
    const campaign = await createCampaign(f.api, vendor.key);
    const partner = await createPartner(f.api);
    await enroll(f.api, vendor.key, campaign.campaign_id, partner.partner_id);
    const deep = await createLink(f.api, partner.key, campaign.campaign_id, { deep_link: 'https://shop.example.com/products/42' });
    expect(deep.full_url).toBe('https://shop.example.com/products/42');
    for (const deep_link of ['https://evil.example.net/products/42', 'http://shop.example.com/x', 'javascript:alert(1)']) {
      const res = await f.api.post('/v1/partner/links', { campaign_id: campaign.campaign_id, deep_link }, { token: partner.key });
      expectProblem(res, 400);
      expect(res.body.errors[0].path).toBe('body.deep_link');
    }
    expectProblem(await f.api.post('/v1/partner/links', { campaign_id: campaign.campaign_id, utm_params: { utm_evil: 'x' } }, { token: partner.key }), 400);
    expectProblem(await f.api.post('/v1/partner/links', { campaign_id: campaign.campaign_id, custom_params: { aff_click_id: 'x' } }, { token: partner.key }), 400);
    expectProblem(await f.api.post('/v1/partner/links', { campaign_id: campaign.campaign_id, destination_url: 'https://x.test' }, { token: partner.key }), 400);
  });

  it.each([
    [{ utm_params: { utm_source: 'https://evil.example.net/' } }, 'body.utm_params.utm_source'],
    [{ utm_params: { utm_term: '//evil.example.net/x' } }, 'body.utm_params.utm_term'],
    [{ custom_params: { next: 'https://evil.example.net/' } }, 'body.custom_params.next'],
    [{ custom_params: { return_to: 'javascript:alert(1)' } }, 'body.custom_params.return_to'],
    [{ custom_params: { img: 'http://cdn.example.org/banner.png' } }, 'body.custom_params.img'],
    [{ deep_link: 'https://shop.example.com/p?next=https://evil.example.net/' }, 'body.deep_link'],
  ])('is 400 naming the field for parameters the redirect would refuse (%j), and creates nothing', async (extra, path) => {
    const campaign = await createCampaign(f.api, vendor.key);
    const partner = await createPartner(f.api);
    await enroll(f.api, vendor.key, campaign.campaign_id, partner.partner_id);
    const res = await f.api.post('/v1/partner/links', { campaign_id: campaign.campaign_id, ...extra }, { token: partner.key });
    expectProblem(res, 400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path, message: expect.stringContaining('open redirect') })]);
    expect(res.body.detail).toContain(path.slice('body.'.length));
    const list = await f.api.get('/v1/partner/links', { token: partner.key });
    expect(list.body.data).toEqual([]);
  });

  it('creates a link whose parameter values are not URLs, and it redirects (302, not 404)', async () => {
    const campaign = await createCampaign(f.api, vendor.key);
    const partner = await createPartner(f.api);
    await enroll(f.api, vendor.key, campaign.campaign_id, partner.partner_id);
    const link = await createLink(f.api, partner.key, campaign.campaign_id, {
      utm_params: { utm_source: 'instagram', utm_content: 'story:42' },
      custom_params: { next: '2', return_to: '/cart' },
    });
    const hop = await f.redirect(link.short_code);
    expect(hop.status).toBe(302);
    expect(new URL(hop.location!).searchParams.get('return_to')).toBe('/cart');
  });

  it('is 403 unless the enrollment is approved and the partner active; 404 for private campaigns it is not in', async () => {
    const campaign = await createCampaign(f.api, vendor.key, { approval_required: true });
    const partner = await createPartner(f.api);
    expectProblem(await f.api.post('/v1/partner/links', { campaign_id: campaign.campaign_id }, { token: partner.key }), 403);
    const applied = await f.api.post(`/v1/partner/campaigns/${campaign.campaign_id}/apply`, {}, { token: partner.key });
    expect(applied.body.status).toBe('pending');
    const pending = await f.api.post('/v1/partner/links', { campaign_id: campaign.campaign_id }, { token: partner.key });
    expectProblem(pending, 403);
    expect(pending.body.detail).toContain('pending');

    await f.api.post(`/v1/campaign-partners/${applied.body.campaign_partner_id}/approve`, {}, { token: vendor.key });
    const link = await createLink(f.api, partner.key, campaign.campaign_id);

    await f.api.post(`/v1/admin/partners/${partner.partner_id}/suspend`, { reason: 'fraud review' }, { token: adminToken });
    expectProblem(await f.api.post('/v1/partner/links', { campaign_id: campaign.campaign_id }, { token: partner.key }), 403);
    expect((await f.linkStore.get(link.short_code))?.status).toBe('inactive');
    expect((await f.redirect(link.short_code)).status).toBe(404);
    await f.api.post(`/v1/admin/partners/${partner.partner_id}/activate`, {}, { token: adminToken });
    expect((await f.linkStore.get(link.short_code))?.status).toBe('active');
    expect((await auditRows(f.db, 'partners', partner.partner_id)).map((a) => a.action)).toEqual(['create', 'suspend', 'activate']);

    const privateCampaign = await createCampaign(f.api, vendor.key, { is_public: false });
    expectProblem(await f.api.post('/v1/partner/links', { campaign_id: privateCampaign.campaign_id }, { token: partner.key }), 404);
    expectProblem(await f.api.post('/v1/partner/links', { campaign_id: 999999 }, { token: partner.key }), 404);
  });
});

describe('short code collisions', () => {
  it('retries with a fresh code when a code is already taken', async () => {
    const campaign = await createCampaign(f.api, vendor.key);
    const partner = await createPartner(f.api);
    await enroll(f.api, vendor.key, campaign.campaign_id, partner.partner_id);
    f.queueShortCodes('Collide1');
    const first = await createLink(f.api, partner.key, campaign.campaign_id);
    expect(first.short_code).toBe('Collide1');
    f.queueShortCodes('Collide1', 'Collide1', 'Fresh002');
    const second = await createLink(f.api, partner.key, campaign.campaign_id);
    expect(second.short_code).toBe('Fresh002');
    expect((await f.linkStore.get('Collide1'))?.partner_link_id).toBe(first.partner_link_id);
    const { rows } = await f.db.sql.query<{ n: number }>(`SELECT COUNT(*)::integer AS n FROM audit_logs WHERE entity_type = 'partner_links' AND entity_id = :id::bigint`, {
      id: second.partner_link_id,
    });
    expect(rows[0]!.n).toBe(1); // the failed attempts left no rows behind
  });

  it('never hands out a code the host serves itself: app (the web app at /app/) is drawn again', async () => {
    const campaign = await createCampaign(f.api, vendor.key);
    const partner = await createPartner(f.api);
    await enroll(f.api, vendor.key, campaign.campaign_id, partner.partner_id);
    f.queueShortCodes('app', 'APP', 'Fresh003');
    const link = await createLink(f.api, partner.key, campaign.campaign_id);
    expect(link.short_code).toBe('Fresh003');
    expect(await f.linkStore.get('app')).toBeUndefined();
  });
});

describe('vendor suspension', () => {
  it("locks out the vendor's keys and stops its links; reactivation restores both", async () => {
    const v = await createVendor(f.api);
    const campaign = await createCampaign(f.api, v.key);
    const partner = await createPartner(f.api);
    await enroll(f.api, v.key, campaign.campaign_id, partner.partner_id);
    const link = await createLink(f.api, partner.key, campaign.campaign_id);
    const suspended = await f.api.post(`/v1/admin/vendors/${v.vendor_id}/suspend`, { reason: 'unpaid' }, { token: adminToken });
    expect(suspended.body.status).toBe('suspended');
    expect((await f.linkStore.get(link.short_code))?.status).toBe('inactive');
    expectProblem(await f.api.get('/v1/campaigns', { token: v.key }), 401);
    await f.api.post(`/v1/admin/vendors/${v.vendor_id}/activate`, {}, { token: adminToken });
    expect((await f.linkStore.get(link.short_code))?.status).toBe('active');
    expect((await f.api.get('/v1/campaigns', { token: v.key })).status).toBe(200);
    expect((await auditRows(f.db, 'vendors', v.vendor_id)).map((a) => a.action)).toEqual(['create', 'suspend', 'activate']);
  });
});

describe('DELETE /v1/partner/links/{id}', () => {
  it('stops the link at once and hides it; another partner gets 404', async () => {
    const campaign = await createCampaign(f.api, vendor.key);
    const partner = await createPartner(f.api);
    const other = await createPartner(f.api);
    await enroll(f.api, vendor.key, campaign.campaign_id, partner.partner_id);
    const link = await createLink(f.api, partner.key, campaign.campaign_id);
    expectProblem(await f.api.delete(`/v1/partner/links/${link.partner_link_id}`, { token: other.key }), 404);
    expectProblem(await f.api.get(`/v1/partner/links/${link.partner_link_id}`, { token: other.key }), 404);
    const res = await f.api.delete(`/v1/partner/links/${link.partner_link_id}`, { token: partner.key });
    expect(res.status).toBe(204);
    expect((await f.linkStore.get(link.short_code))?.status).toBe('inactive');
    expect((await f.redirect(link.short_code)).status).toBe(404);
    expectProblem(await f.api.get(`/v1/partner/links/${link.partner_link_id}`, { token: partner.key }), 404);
    expect((await auditRows(f.db, 'partner_links', link.partner_link_id)).map((a) => a.action)).toEqual(['create', 'delete']);
  });
});

describe('hot-store write failure and repair', () => {
  it('answers 201 with the link marked for repair, and the sync-links job repairs it', async () => {
    const campaign = await createCampaign(f.api, vendor.key);
    const partner = await createPartner(f.api);
    await enroll(f.api, vendor.key, campaign.campaign_id, partner.partner_id);
    f.failLinkPuts(2); // the put and its immediate retry
    const res = await f.api.post('/v1/partner/links', { campaign_id: campaign.campaign_id }, { token: partner.key });
    expect(res.status).toBe(201);
    expect(res.body.hot_store).toBe('pending_repair');
    expect(await f.linkStore.get(res.body.short_code)).toBeUndefined();
    expect((await auditRows(f.db, 'partner_links', res.body.partner_link_id)).map((a) => a.action)).toEqual(['create', 'hot_store_sync_failed']);

    f.clock.advance(60_000);
    const job = await f.api.post('/v1/admin/jobs/sync-links', {}, { token: adminToken });
    expect(job.status).toBe(200);
    expect(job.body.result).toEqual({ synced: 1, failed: [] });
    expect(await f.linkStore.get(res.body.short_code)).toMatchObject({ status: 'active', partner_link_id: res.body.partner_link_id });
    expect((await f.redirect(res.body.short_code)).status).toBe(302);
  });

  it('a failed status write-through is repaired too (the link stops redirecting after the job)', async () => {
    const campaign = await createCampaign(f.api, vendor.key);
    const partner = await createPartner(f.api);
    await enroll(f.api, vendor.key, campaign.campaign_id, partner.partner_id);
    const link = await createLink(f.api, partner.key, campaign.campaign_id);
    f.failLinkPuts(2);
    expect((await f.api.post(`/v1/campaigns/${campaign.campaign_id}/pause`, {}, { token: vendor.key })).status).toBe(200);
    expect((await f.linkStore.get(link.short_code))?.status).toBe('active'); // stale until repaired
    f.clock.advance(60_000);
    await f.api.post('/v1/admin/jobs/sync-links', { all: true }, { token: adminToken });
    expect((await f.linkStore.get(link.short_code))?.status).toBe('inactive');
  });
});
