/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON asserted field by field. */
/**
 * `GET /v1/campaign-partners` names each applicant (`partner_name`), so the vendor dashboard can
 * show who applied; the partner's email stays private.
 */
import { describe, expect, it } from 'vitest';
import { createCampaign, createPartner, createVendor } from '../../../support/platform/api-fixture.js';
import { useApiFixture } from '../../../support/platform/use-api-fixture.js';

const f = useApiFixture();

describe('GET /v1/campaign-partners', () => {
  it("names each applicant and shows no partner's email", async () => {
    const vendor = await createVendor(f.api);
    const campaign = await createCampaign(f.api, vendor.key, { approval_required: true, is_public: true });
    const ana = await createPartner(f.api, { name: 'Ana Trail Blog' });
    const bo = await createPartner(f.api, { name: 'Bo Runs' });
    for (const partner of [ana, bo]) {
      const applied = await f.api.post(`/v1/partner/campaigns/${campaign.campaign_id}/apply`, {}, { token: partner.key });
      expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    }
    const res = await f.api.get('/v1/campaign-partners', { token: vendor.key, query: { status: 'pending', campaign_id: campaign.campaign_id } });
    expect(res.status).toBe(200);
    const names = Object.fromEntries(res.body.data.map((row: any) => [row.partner_id, row.partner_name]));
    expect(names).toEqual({ [ana.partner_id]: 'Ana Trail Blog', [bo.partner_id]: 'Bo Runs' });
    expect(JSON.stringify(res.body)).not.toMatch(/@example\.com/);
  });
});
