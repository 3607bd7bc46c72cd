/**
 * The partner's own conversions (status, their part of a split sale) and their activity per day
 * of their time zone (UTC by default): exact amounts per currency, other partners' shares and
 * filtered clicks never counted, DST days whole local days.
 */
import { describe, expect, it } from 'vitest';
import { seedConversion } from '../../../support/fixtures/conversion-seed.js';
import { createCampaign, createLink, createPartner, createVendor, enroll, expectProblem } from '../../../support/platform/api-fixture.js';
import { useApiFixture } from '../../../support/platform/use-api-fixture.js';

let alice: { partner_id: number; key: string };
let bob: { partner_id: number; key: string };
/** Active around the US DST start (2026-03-08) and around midnights in Los Angeles, UTC and Kolkata. */
let carol: { partner_id: number; key: string };
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

  carol = await createPartner(f.api);
  await enroll(f.api, vendor.key, campaign.campaign_id, carol.partner_id);
  const carolLink = await createLink(f.api, carol.key, campaign.campaign_id);
  // Local times: Los Angeles (PST -08:00 until 2026-03-08 02:00, then PDT -07:00) | Kolkata (+05:30).
  await seedClick(carolLink.partner_link_id, '2026-03-07 07:59:59'); // LA 03-06 23:59:59 | IST 03-07
  await seedClick(carolLink.partner_link_id, '2026-03-07 08:00:00'); // LA 03-07 00:00 | IST 03-07
  await seedClick(carolLink.partner_link_id, '2026-03-08 07:30:00'); // LA 03-07 23:30 PST | IST 03-08
  await seedClick(carolLink.partner_link_id, '2026-03-08 09:30:00'); // LA 03-08 01:30 PST | IST 03-08
  await seedClick(carolLink.partner_link_id, '2026-03-09 06:30:00'); // LA 03-08 23:30 PDT | IST 03-09
  await seedClick(carolLink.partner_link_id, '2026-03-09 07:30:00'); // LA 03-09 00:30 PDT (23:30 the day before in PST) | IST 03-09
  await seedClick(carolLink.partner_link_id, '2026-03-09 07:31:00', 'velocity'); // filtered: never counted
  await seedClick(carolLink.partner_link_id, '2026-03-10 02:00:00'); // LA 03-09 19:00 | IST 03-10 07:30
  const carolSale = (transaction_id: string, occurred_at: string, commission_amount: string, extra: { currency?: string; status?: 'approved' | 'rejected' } = {}) =>
    seedConversion(f.db.sql, {
      vendor_id: vendorId,
      partner_id: carol.partner_id,
      campaign_version_id: campaign.campaign_version_id,
      transaction_id,
      event_value: commission_amount,
      commission_amount,
      occurred_at,
      ...extra,
    });
  await carolSale('c-1', '2026-03-08T18:29:59Z', '1.10', { status: 'approved' }); // LA 03-08 | IST 03-08 23:59:59
  await carolSale('c-2', '2026-03-08T18:30:00Z', '2.20'); // LA 03-08 | IST 03-09 00:00
  await carolSale('c-3', '2026-03-08T23:59:59Z', '300', { currency: 'JPY' }); // LA 03-08 | UTC 03-08 | IST 03-09
  await carolSale('c-4', '2026-03-09T00:00:00Z', '0.01'); // LA 03-08 | UTC 03-09 | IST 03-09
  await carolSale('c-5', '2026-03-09T06:59:59Z', '1234567.89'); // LA 03-08 23:59:59 PDT | IST 03-09
  await carolSale('c-6', '2026-03-09T07:00:00Z', '0.05'); // LA 03-09 00:00 PDT | IST 03-09
  await carolSale('c-7', '2026-03-09T08:00:00Z', '99.00', { status: 'rejected' }); // counted, earns nothing
});

/** Runs `body` with the API's clock at `iso`, then puts the file's clock back. */
async function at<T>(iso: string, body: () => Promise<T>): Promise<T> {
  const saved = f.clock.now;
  f.clock.now = new Date(iso);
  try {
    return await body();
  } finally {
    f.clock.now = saved;
  }
}

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
    expect(res.body.time_zone).toBe('UTC');
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

describe('GET /v1/partner/activity?time_zone=', () => {
  // 03:00 UTC on 2026-03-10: still the evening of 2026-03-09 in Los Angeles, 08:30 on 03-10 in Kolkata.
  const now = '2026-03-10T03:00:00Z';
  const activity = (query: string) => at(now, () => f.api.get(`/v1/partner/activity?${query}`, { token: carol.key }));
  const table = (body: { days: { day: string; clicks: number; conversions: number }[] }) => body.days.map((d) => [d.day, d.clicks, d.conversions]);

  it('counts Los Angeles days: the DST day is a whole local day, and "today" is the local date', async () => {
    const res = await activity('days=3&time_zone=America/Los_Angeles');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.time_zone).toBe('America/Los_Angeles');
    expect(table(res.body)).toEqual([
      ['2026-03-07', 2, 0], // 00:00 PST on (08:00Z); the 07:30Z click of 03-08 is still 03-07 here
      ['2026-03-08', 2, 5], // the 23-hour day: 01:30 PST to 23:59:59 PDT
      ['2026-03-09', 2, 2],
    ]);
    expect(res.body.earnings).toEqual([
      { currency: 'JPY', commission: ['0', '300', '0'] },
      { currency: 'USD', commission: ['0.00', '1234571.20', '0.05'] },
    ]);
  });

  it('counts Kolkata days (+05:30): a sale at 18:30Z belongs to the next day', async () => {
    const res = await activity('days=3&time_zone=Asia/Kolkata');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.time_zone).toBe('Asia/Kolkata');
    expect(table(res.body)).toEqual([
      ['2026-03-08', 2, 1],
      ['2026-03-09', 2, 6],
      ['2026-03-10', 1, 0],
    ]);
    expect(res.body.earnings).toEqual([
      { currency: 'JPY', commission: ['0', '300', '0'] },
      { currency: 'USD', commission: ['1.10', '1234570.15', '0.00'] },
    ]);
    // Chromium reports India's zone by its older name: the same days, echoed as asked.
    const alias = await activity('days=3&time_zone=Asia/Calcutta');
    expect(alias.status, JSON.stringify(alias.body)).toBe(200);
    expect({ ...alias.body, time_zone: 'Asia/Kolkata' }).toEqual(res.body);
    expect(alias.body.time_zone).toBe('Asia/Calcutta');
  });

  it('counts UTC days when asked for UTC, as without the parameter', async () => {
    const asked = await activity('days=3&time_zone=UTC');
    const byDefault = await activity('days=3');
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    expect(table(asked.body)).toEqual([
      ['2026-03-08', 2, 3],
      ['2026-03-09', 2, 4],
      ['2026-03-10', 1, 0],
    ]);
    expect(asked.body.earnings).toEqual([
      { currency: 'JPY', commission: ['300', '0', '0'] },
      { currency: 'USD', commission: ['3.30', '1234567.95', '0.00'] },
    ]);
    expect(byDefault.body).toEqual(asked.body);
  });

  it('lists exactly `days` local days ending with the local today', async () => {
    const la = await activity('time_zone=America/Los_Angeles');
    expect(la.body.days).toHaveLength(30);
    expect([la.body.days[0].day, la.body.days.at(-1).day]).toEqual(['2026-02-08', '2026-03-09']);
    const kolkata = await activity('days=366&time_zone=Asia/Kolkata');
    expect(kolkata.body.days).toHaveLength(366);
    expect([kolkata.body.days[0].day, kolkata.body.days.at(-1).day]).toEqual(['2025-03-10', '2026-03-10']);
    expect(new Set(kolkata.body.days.map((d: { day: string }) => d.day)).size).toBe(366);
    expect(kolkata.body.days.reduce((sum: number, d: { clicks: number }) => sum + d.clicks, 0)).toBe(7);
  });

  // "US/Pacific-New": Node's ICU still knows it, the database's tzdata no longer does.
  it.each(['Mars/Olympus', 'PST', 'CET', '+05:30', 'US/Pacific-New', 'America/Los_Angeles; DROP TABLE clicks', ''])('refuses the time zone %j, naming query.time_zone', async (zone) => {
    const res = await activity(`time_zone=${encodeURIComponent(zone)}`);
    expectProblem(res, 400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['query.time_zone']);
  });
});
