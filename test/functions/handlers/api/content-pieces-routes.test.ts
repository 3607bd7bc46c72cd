import { describe, expect, it } from 'vitest';
import {
  auditRows,
  createCampaign,
  createPartner,
  createVendor,
  enroll,
  expectProblem,
  type PartnerHandle,
  type VendorHandle,
} from '../../../support/platform/api-fixture.js';
import { useApiFixture } from '../../../support/platform/use-api-fixture.js';

let vendor: VendorHandle;
let partner: PartnerHandle;
let intruder: PartnerHandle;

const f = useApiFixture(async () => {
  vendor = await createVendor(f.api);
  partner = await createPartner(f.api);
  intruder = await createPartner(f.api);
});

describe('content pieces', () => {
  it('create, list, patch, delete, audited as the partner with its IP', async () => {
    const res = await f.api.post(
      '/v1/partner/content-pieces',
      { external_reference: 'https://youtube.example/watch?v=abc', description: 'Review', metadata: { platform: 'youtube' } },
      { token: partner.key, sourceIp: '192.0.2.10' },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ external_reference: 'https://youtube.example/watch?v=abc', metadata: { platform: 'youtube' } });
    const id = res.body.content_piece_id;
    expect((await f.api.get('/v1/partner/content-pieces', { token: partner.key })).body.data.map((p: { content_piece_id: number }) => p.content_piece_id)).toEqual([id]);
    expect((await f.api.get('/v1/partner/content-pieces', { token: intruder.key })).body.data).toEqual([]);
    const patched = await f.api.patch(`/v1/partner/content-pieces/${id}`, { description: 'Long review' }, { token: partner.key });
    expect(patched.body.description).toBe('Long review');
    expect((await f.api.delete(`/v1/partner/content-pieces/${id}`, { token: partner.key })).status).toBe(204);
    expectProblem(await f.api.get(`/v1/partner/content-pieces/${id}`, { token: partner.key }), 404);
    const audit = await auditRows(f.db, 'content_pieces', id);
    expect(audit.map((a) => a.action)).toEqual(['create', 'update', 'delete']);
    expect(audit[0]).toMatchObject({ actor_type: 'partner', actor_id: partner.partner_id, ip_address: '192.0.2.10' });
    expect((audit[1]!.changes as { changed_fields: string[] }).changed_fields).toEqual(['description']);
  });

  it("another partner's piece is 404 to read, change, delete, and to reference from a link", async () => {
    const id = (await f.api.post('/v1/partner/content-pieces', { description: 'mine' }, { token: partner.key })).body.content_piece_id;
    expectProblem(await f.api.get(`/v1/partner/content-pieces/${id}`, { token: intruder.key }), 404);
    expectProblem(await f.api.patch(`/v1/partner/content-pieces/${id}`, { description: 'x' }, { token: intruder.key }), 404);
    expectProblem(await f.api.delete(`/v1/partner/content-pieces/${id}`, { token: intruder.key }), 404);
    const campaign = await createCampaign(f.api, vendor.key);
    await enroll(f.api, vendor.key, campaign.campaign_id, intruder.partner_id);
    await enroll(f.api, vendor.key, campaign.campaign_id, partner.partner_id);
    const stolen = await f.api.post('/v1/partner/links', { campaign_id: campaign.campaign_id, content_piece_id: id }, { token: intruder.key });
    expect(stolen.status).toBeGreaterThanOrEqual(400);
    expect(stolen.status).toBeLessThan(500);
    const own = await f.api.post('/v1/partner/links', { campaign_id: campaign.campaign_id, content_piece_id: id }, { token: partner.key });
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    expect(own.body.content_piece_id).toBe(id);
  });

  it('401 without a key, 403 for a vendor key, 400 for unknown fields', async () => {
    expectProblem(await f.api.post('/v1/partner/content-pieces', {}), 401);
    expectProblem(await f.api.post('/v1/partner/content-pieces', {}, { token: vendor.key }), 403);
    const res = await f.api.post('/v1/partner/content-pieces', { title: 'x' }, { token: partner.key });
    expectProblem(res, 400);
    expect(res.body.errors[0].path).toBe('body.title');
  });
});
