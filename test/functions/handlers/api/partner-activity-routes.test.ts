/**
 * The partner's own conversions (status, their part of a split sale) and their activity per UTC
 * day: exact amounts per currency, other partners' shares and filtered clicks never counted.
 */
import { describe, expect, it } from 'vitest';
import { seedConversion } from '../../../support/fixtures/conversion-seed.js';
import { createCampaign, createLink, createPartner, createVendor, enroll, expectProblem } from '../../../support/platform/api-fixture.js';
import { useApiFixture } from '../../../support/platform/use-api-fixture.js';

let alice: { partner_id: number; key: string };
let bob: { partner_id: number; key: string };
let campaign: { campaign_id: number; campaign_version_id: number };
let vendorId: number;

async function seedClick(partnerLinkId: number, clickedAt: string, filterReason: string | null = null) {
  await f.db.sql.query(
    `INSERT INTO clicks (click_uuid, partner_link_id, clicked_at, filter_reason) VALUES (gen_random_uuid(), :id::integer, :at::timestamp, :reason)`,
    { id: partnerLinkId, at: clickedAt, reason: filterReason },
  );
}

const f = useApiFixture(async () => {
  const vendor = await createVendor(f.api);
  vendorId = vendor.vendor_id;
  campaign = await createCampaign(f.api, vendor.key);
  alice = await createPartner(f.api);
  bob = await createPartner(f.api);
  await enroll(f.api, vendor.key, campaign.campaign_id, alice.partner_id);
  await enroll(f.api, vendor.key, campaign.campaign_id, bob.partner_id);
  const link = await createLink(f.api, alice.key, campaign.campaign_id);
  await seedClick(link.partner_link_id, '2026-02-28 09:00:00');
  await seedClick(link.partner_link_id, '2026-02-28 23:59:59');
  await seedClick(link.partner_link_id, '2026-03-01 00:00:00');
  await seedClick(link.partner_link_id, '2026-03-01 00:00:01', 'velocity'); // filtered: not a counted click
  await seedClick(link.partner_link_id, '2026-01-01 00:00:00'); // outside a 7-day window

  // A $100.00 sale split between Alice ($6.00) and Bob ($4.00), approved.
  await seedConversion(f.db.sql, {
    vendor_id: vendorId,
    partner_id: bob.partner_id,
    campaign_version_id: campaign.campaign_version_id,
    transaction_id: 'split-1',
    event_value: '100.00',
    commission_amount: '10.00',
    status: 'approved',
    attribution_type: 'linear',
    occurred_at: '2026-02-28T10:00:00Z',
    touches: [
      { partner_id: alice.partner_id, touch_type: 'first', touch_value: '6.00', occurred_at: '2026-02-27T10:00:00Z' },
      { partner_id: bob.partner_id, touch_type: 'last', touch_value: '4.00', occurred_at: '2026-02-28T09:00:00Z' },
    ],
  });
  // Alice alone, credited without touches: $2.50, pending.
  await seedConversion(f.db.sql, {
    vendor_id: vendorId,
    partner_id: alice.partner_id,
    campaign_version_id: campaign.campaign_version_id,
    transaction_id: 'solo-1',
    event_value: '25.00',
    commission_amount: '2.50',
    occurred_at: '2026-03-01T08:00:00Z',
  });
  // A rejected ¥5000 sale of Alice's: counted as a conversion, earns nothing.
  await seedConversion(f.db.sql, {
    vendor_id: vendorId,
    partner_id: alice.partner_id,
    campaign_version_id: campaign.campaign_version_id,
    transaction_id: 'jpy-1',
    currency: 'JPY',
    event_value: '5000',
    commission_amount: '500',
    status: 'rejected',
    occurred_at: '2026-03-01T09:00:00Z',
  });
  // Bob alone: never Alice's.
  await seedConversion(f.db.sql, {
    vendor_id: vendorId,
    partner_id: bob.partner_id,
    campaign_version_id: campaign.campaign_version_id,
    transaction_id: 'bob-only',
    event_value: '50.00',
    commission_amount: '5.00',
    occurred_at: '2026-03-01T10:00:00Z',
  });
});

describe('GET /v1/partner/conversions', () => {
  it("lists the caller's conversions, newest first, with their part of a split", async () => {
    const res = await f.api.get('/v1/partner/conversions', { token: alice.key });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(
      res.body.data.map((c: Record<string, unknown>) => [c.transaction_id ?? c.event_value, c.status, c.currency, c.commission_amount, c.partner_commission, c.touch_count, c.partner_touch_count]),
    ).toEqual([
      ['5000', 'rejected', 'JPY', '500', '500', 0, 0],
      ['25.00', 'pending', 'USD', '2.50', '2.50', 0, 0],
      ['100.00', 'approved', 'USD', '10.00', '6.00', 2, 1],
    ]);
    expect(res.body.data[2].campaign_name).toBe('Summer sale');
  });

  it("shows Bob his own part of the same sale and never Alice's solo sales", async () => {
    const res = await f.api.get('/v1/partner/conversions', { token: bob.key });
    expect(res.body.data.map((c: Record<string, unknown>) => [c.event_value, c.partner_commission])).toEqual([
      ['50.00', '5.00'],
      ['100.00', '4.00'],
    ]);
  });

  it('filters by status and pages', async () => {
    const approved = await f.api.get('/v1/partner/conversions?status=approved', { token: alice.key });
    expect(approved.body.data).toHaveLength(1);
    const first = await f.api.get('/v1/partner/conversions?limit=2', { token: alice.key });
    expect(first.body.data).toHaveLength(2);
    const next = await f.api.get(`/v1/partner/conversions?limit=2&cursor=${encodeURIComponent(first.body.next_cursor)}`, { token: alice.key });
    expect(next.body.data.map((c: { event_value: string }) => c.event_value)).toEqual(['100.00']);
  });

  it('is for partner keys only', async () => {
    expectProblem(await f.api.get('/v1/partner/conversions'), 401);
  });
});

describe('GET /v1/partner/activity', () => {
  it('gives every UTC day of the window, counted clicks and conversions, earnings per currency', async () => {
    const res = await f.api.get('/v1/partner/activity?days=7', { token: alice.key });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.days.map((d: { day: string }) => d.day)).toEqual([
      '2026-02-23', '2026-02-24', '2026-02-25', '2026-02-26', '2026-02-27', '2026-02-28', '2026-03-01',
    ]);
    expect(res.body.days.slice(-2)).toEqual([
      { day: '2026-02-28', clicks: 2, conversions: 1 },
      { day: '2026-03-01', clicks: 1, conversions: 2 },
    ]);
    expect(res.body.days.slice(0, 5).every((d: { clicks: number; conversions: number }) => d.clicks === 0 && d.conversions === 0)).toBe(true);
    // USD only: the rejected JPY sale earns nothing, so no JPY series at all.
    expect(res.body.earnings).toEqual([{ currency: 'USD', commission: ['0.00', '0.00', '0.00', '0.00', '0.00', '6.00', '2.50'] }]);
  });

  it('refuses a window over a year', async () => {
    expectProblem(await f.api.get('/v1/partner/activity?days=400', { token: alice.key }), 400);
  });
});
