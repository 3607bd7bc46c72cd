import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toCsv } from '../../../../functions/handlers/api/reports-routes.js';
import { seedConversion } from '../../../support/fixtures/conversion-seed.js';
import {
  createCampaign,
  createPartner,
  createVendor,
  enroll,
  expectProblem,
  type VendorHandle,
} from '../../../support/platform/api-fixture.js';
import { useApiFixture } from '../../../support/platform/use-api-fixture.js';

let vendor: VendorHandle;
let other: VendorHandle;
let campaign: { campaign_id: number; campaign_version_id: number };
let A: number;
let B: number;
let C: number;

async function journey(partnerId: number, stage: string | null, converted: boolean, started: string, completed: string | null) {
  const cookie = randomUUID();
  await f.db.sql.query(`INSERT INTO cookies (cookie_id, expires_at) VALUES (:id::uuid, '2027-01-01T00:00:00Z'::timestamptz)`, { id: cookie });
  await f.db.sql.query(
    `INSERT INTO funnel_journeys (cookie_id, partner_id, campaign_version_id, journey_started_at, journey_completed_at, last_event_at,
       furthest_stage_id, is_converted)
     VALUES (:cookie::uuid, :partner::integer, :cv::integer, :started::timestamptz, :completed::timestamptz, :started::timestamptz,
       (SELECT conversion_event_type_id FROM conversion_event_types WHERE name = :stage::text), :converted::boolean)`,
    { cookie, partner: partnerId, cv: campaign.campaign_version_id, started, completed, stage, converted },
  );
}

const f = useApiFixture(async () => {
  vendor = await createVendor(f.api);
  other = await createVendor(f.api);
  campaign = await createCampaign(f.api, vendor.key);
  A = (await createPartner(f.api, { name: 'Alpha Blog' })).partner_id;
  B = (await createPartner(f.api, { name: '=HYPERLINK("x")' })).partner_id;
  C = (await createPartner(f.api, { name: 'Gamma, Inc.' })).partner_id;
  for (const p of [A, B, C]) await enroll(f.api, vendor.key, campaign.campaign_id, p);
  const base = { vendor_id: vendor.vendor_id, campaign_version_id: campaign.campaign_version_id };
  // A clicked first, B last: last_click credits B with the whole $10.00.
  await seedConversion(f.db.sql, {
    ...base, partner_id: B, transaction_id: 'c1', event_value: '100.00', commission_amount: '10.00', status: 'approved', occurred_at: '2026-02-10T00:00:00Z',
    touches: [
      { partner_id: A, touch_type: 'first', touch_value: '0.00', weight: '0', occurred_at: '2026-02-01T00:00:00Z' },
      { partner_id: B, touch_type: 'last', touch_value: '10.00', weight: '1', occurred_at: '2026-02-05T00:00:00Z' },
    ],
  });
  await seedConversion(f.db.sql, {
    ...base, partner_id: A, transaction_id: 'c2', event_value: '50.00', commission_amount: '5.00', status: 'approved', occurred_at: '2026-02-11T00:00:00Z',
    touches: [{ partner_id: A, touch_type: 'only', touch_value: '5.00', occurred_at: '2026-02-10T12:00:00Z' }],
  });
  await seedConversion(f.db.sql, {
    ...base, partner_id: A, transaction_id: 'c3', event_value: '30.00', commission_amount: '3.00', status: 'pending', occurred_at: '2026-02-12T00:00:00Z',
    touches: [{ partner_id: A, touch_type: 'only', touch_value: '3.00', occurred_at: '2026-02-11T12:00:00Z' }],
  });
  await seedConversion(f.db.sql, {
    ...base, partner_id: B, transaction_id: 'c4', event_value: '1000.00', commission_amount: '0.00', status: 'rejected', occurred_at: '2026-02-12T00:00:00Z',
    touches: [{ partner_id: B, touch_type: 'only', touch_value: '0.00', occurred_at: '2026-02-11T12:00:00Z' }],
  });
  await seedConversion(f.db.sql, {
    ...base, partner_id: C, transaction_id: 'c5', event_value: '20.00', commission_amount: '2.00', status: 'approved', occurred_at: '2026-01-15T00:00:00Z',
    touches: [{ partner_id: C, touch_type: 'only', touch_value: '2.00', occurred_at: '2026-01-14T00:00:00Z' }],
  });
  await seedConversion(f.db.sql, {
    ...base, partner_id: A, transaction_id: 'c6', event_value: '25.00', commission_amount: '2.51', status: 'approved', occurred_at: '2026-02-13T00:00:00Z',
    touches: [{ partner_id: A, touch_type: 'only', touch_value: '2.51', occurred_at: '2026-02-12T00:00:00Z' }],
  });
  await journey(A, 'sale', true, '2026-02-01T00:00:00Z', '2026-02-03T00:00:00Z'); // 2 days
  await journey(B, 'sale', true, '2026-02-01T00:00:00Z', '2026-02-02T00:00:00Z'); // 1 day
  await journey(A, 'signup', false, '2026-02-01T00:00:00Z', null);
  await journey(C, null, false, '2026-02-01T00:00:00Z', null);
  await journey(C, null, false, '2026-02-02T00:00:00Z', null);
});

/** The CSV exactly as a client receives it through the management API handler. */
async function csvOf(path: string, query: Record<string, string | number>) {
  const res = await f.api.get(path, { token: vendor.key, query, headers: { accept: 'text/csv' } });
  expect(res.status, res.text).toBe(200);
  expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
  return res.text ?? '';
}

describe('GET /v1/reports/top-partners', () => {
  it('approved conversions in the range, by revenue; the average rounds half-up to the cent', async () => {
    const res = await f.api.get('/v1/reports/top-partners', { token: vendor.key, query: { campaign_id: campaign.campaign_id, from: '2026-02-01', to: '2026-02-28' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ from: '2026-02-01T00:00:00.000Z', to: '2026-02-28T23:59:59.999Z' });
    expect(res.body.data).toEqual([
      { partner_id: B, name: '=HYPERLINK("x")', tier: 'standard', currency: 'USD', conversion_count: 1, total_revenue: '100.00', total_commission: '10.00', avg_commission: '10.00' },
      // $5.00 and $2.51: average 3.755 -> 3.76
      { partner_id: A, name: 'Alpha Blog', tier: 'standard', currency: 'USD', conversion_count: 2, total_revenue: '75.00', total_commission: '7.51', avg_commission: '3.76' },
    ]);
  });

  it('as CSV: quoted, formula-safe', async () => {
    const csv = await csvOf('/v1/reports/top-partners', { campaign_id: campaign.campaign_id, from: '2026-01-01', to: '2026-02-28' });
    expect(csv).toBe(
      [
        'partner_id,name,tier,currency,conversion_count,total_revenue,total_commission,avg_commission',
        `${B},"'=HYPERLINK(""x"")",standard,USD,1,100.00,10.00,10.00`,
        `${A},Alpha Blog,standard,USD,2,75.00,7.51,3.76`,
        `${C},"Gamma, Inc.",standard,USD,1,20.00,2.00,2.00`,
        '',
      ].join('\r\n'),
    );
  });

  it('another vendor’s campaign is 404; from after to is 400', async () => {
    expectProblem(await f.api.get('/v1/reports/top-partners', { token: other.key, query: { campaign_id: campaign.campaign_id } }), 404);
    expectProblem(await f.api.get('/v1/reports/top-partners', { token: vendor.key, query: { campaign_id: campaign.campaign_id, from: '2026-03-01', to: '2026-02-01' } }), 400);
  });
});

describe('GET /v1/reports/funnel', () => {
  it('journeys by furthest stage, drop-off and average time to conversion', async () => {
    const res = await f.api.get('/v1/reports/funnel', { token: vendor.key, query: { campaign_id: campaign.campaign_id } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      campaign_id: campaign.campaign_id,
      journeys: 5,
      converted: 2,
      conversion_rate: '0.4000',
      avg_seconds_to_conversion: 129_600, // (2 days + 1 day) / 2
      stages: [
        { stage: 'click', sort_order: 0, journeys_ending_here: 2, reached: 5, drop_off: 2, drop_off_rate: '0.4000', converted: 0 },
        { stage: 'signup', sort_order: 30, journeys_ending_here: 1, reached: 3, drop_off: 1, drop_off_rate: '0.3333', converted: 0 },
        { stage: 'sale', sort_order: 50, journeys_ending_here: 2, reached: 2, drop_off: 0, drop_off_rate: '0.0000', converted: 2 },
      ],
    });
    expectProblem(await f.api.get('/v1/reports/funnel', { token: other.key, query: { campaign_id: campaign.campaign_id } }), 404);
  });

  it('as CSV', async () => {
    const csv = await csvOf('/v1/reports/funnel', { campaign_id: campaign.campaign_id });
    expect(csv.split('\r\n')).toEqual([
      'stage,sort_order,journeys_ending_here,reached,drop_off,drop_off_rate,converted',
      'click,0,2,5,2,0.4000,0',
      'signup,30,1,3,1,0.3333,0',
      'sale,50,2,2,0,0.0000,2',
      '',
    ]);
  });
});

describe('GET /v1/reports/attribution', () => {
  it('recomputes every model from the stored journeys; each model pays out the same total', async () => {
    const res = await f.api.get('/v1/reports/attribution', { token: vendor.key, query: { campaign_id: campaign.campaign_id } });
    expect(res.status).toBe(200);
    expect(res.body.conversions).toBe(5); // the rejected one earns nothing under any model
    const byPartner = Object.fromEntries(res.body.partners.map((p: { partner_id: number }) => [p.partner_id, p]));
    // actual = stored touch values (last_click): A 5.00 + 3.00 + 2.51; B 10.00; C 2.00
    expect(byPartner[A]).toMatchObject({ actual: '10.51', last_click: '10.51', first_click: '20.51', linear: '15.51' });
    expect(byPartner[B]).toMatchObject({ actual: '10.00', last_click: '10.00', first_click: '0.00', linear: '5.00' });
    expect(byPartner[C]).toMatchObject({ actual: '2.00', first_click: '2.00', last_click: '2.00', linear: '2.00', time_decay: '2.00', position_based: '2.00' });
    // time_decay favours B's later click; every model distributes exactly $22.51.
    expect(Number.parseInt(byPartner[B].time_decay.replace('.', ''), 10)).toBeGreaterThan(500);
    // Totals are per currency: one USD entry here.
    expect(res.body.totals).toHaveLength(1);
    expect(res.body.totals[0].currency).toBe('USD');
    for (const model of ['actual', 'first_click', 'last_click', 'linear', 'time_decay', 'position_based']) {
      expect(res.body.totals[0][model]).toBe('22.51');
    }
  });

  it('one model with model=, and as CSV', async () => {
    const res = await f.api.get('/v1/reports/attribution', { token: vendor.key, query: { campaign_id: campaign.campaign_id, model: 'linear' } });
    expect(res.body.models).toEqual(['linear']);
    expect(Object.keys(res.body.partners[0]).sort()).toEqual(['actual', 'currency', 'linear', 'name', 'partner_id']);
    const csv = await csvOf('/v1/reports/attribution', { campaign_id: campaign.campaign_id, model: 'linear' });
    expect(csv.split('\r\n').slice(0, 2)).toEqual(['partner_id,name,currency,actual,linear', `${A},Alpha Blog,USD,10.51,15.51`]);
    expectProblem(await f.api.get('/v1/reports/attribution', { token: vendor.key, query: { campaign_id: campaign.campaign_id, model: 'best' } }), 400);
  });
});

describe('toCsv', () => {
  it('quotes commas, quotes and newlines; keeps negative amounts numeric', () => {
    expect(toCsv(['a', 'b'], [{ a: 'x,"y"', b: '-5.00' }, { a: 'line\nbreak', b: null }, { a: '+1 call', b: '@me' }])).toBe(
      'a,b\r\n"x,""y""",-5.00\r\n"line\nbreak",\r\n\'+1 call,\'@me\r\n',
    );
  });
});

describe('milestone bonuses in reports', () => {
  it('count in commission earned but not as conversions, and are not re-attributed', async () => {
    const bonusCampaign = await createCampaign(f.api, vendor.key);
    const D = (await createPartner(f.api, { name: 'Delta' })).partner_id;
    await enroll(f.api, vendor.key, bonusCampaign.campaign_id, D);
    const base = { vendor_id: vendor.vendor_id, campaign_version_id: bonusCampaign.campaign_version_id, partner_id: D, status: 'approved' as const };
    await seedConversion(f.db.sql, {
      ...base, transaction_id: 'sale-1', event_value: '100.00', commission_amount: '10.00', occurred_at: '2026-02-10T00:00:00Z',
      touches: [{ partner_id: D, touch_type: 'only', touch_value: '10.00', occurred_at: '2026-02-09T00:00:00Z' }],
    });
    const bonus = await seedConversion(f.db.sql, {
      ...base, transaction_id: 'milestone:1:partner:1', event_value: '0.00', commission_amount: '50.00', commission_type: 'flat',
      commission_value: '50.00', occurred_at: '2026-02-10T00:00:01Z',
      touches: [{ partner_id: D, touch_type: 'only', touch_value: '50.00', occurred_at: '2026-02-10T00:00:01Z' }],
    });
    await f.db.sql.query(`UPDATE conversion_events SET metadata = '{"milestone_bonus": true}'::jsonb WHERE conversion_event_id = :id::bigint`, {
      id: bonus.conversion_event_id,
    });

    const top = await f.api.get('/v1/reports/top-partners', {
      token: vendor.key,
      query: { campaign_id: bonusCampaign.campaign_id, from: '2026-02-01', to: '2026-02-28' },
    });
    expect(top.status).toBe(200);
    // $10.00 commission + $50.00 bonus earned; one conversion, averaging $10.00
    expect(top.body.data).toEqual([
      { partner_id: D, name: 'Delta', tier: 'standard', currency: 'USD', conversion_count: 1, total_revenue: '100.00', total_commission: '60.00', avg_commission: '10.00' },
    ]);

    const attribution = await f.api.get('/v1/reports/attribution', { token: vendor.key, query: { campaign_id: bonusCampaign.campaign_id } });
    expect(attribution.status).toBe(200);
    expect(attribution.body.conversions).toBe(1);
  });
});
