/**
 * Funnel events end to end: page_view and add_to_cart through `POST /v1/conversions` and through
 * the first-party beacon (`POST /e` as sendBeacon sends it, `GET /e.gif` with the click cookie),
 * consumed by the attribute-conversions Lambda, shown by `GET /v1/reports/funnel`, while
 * conversions, enrollment totals, commissions and payouts do not move. Real engines: PGlite,
 * dynalite (the hot store the redirect writes), local SQS (the conversions queue).
 */
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqsConversionQueue } from '../../../functions/adapters/aws/conversion-queue.js';
import { createBeacon } from '../../../functions/handlers/beacon.js';
import { createHandler as createManagementApi } from '../../../functions/handlers/management-api.js';
import type { PlatformDeps } from '../../../functions/platform/composition-root.js';
import { conversionQueueMessageSchema } from '../../../functions/ports/conversion-message.js';
import { buildApiEvent, createApiClient, type ApiClient } from '../../support/platform/api-client.js';
import { enrollPartner, seedCampaignVersion, seedPartner, type SeededEnrollment } from '../../support/fixtures/seed.js';
import { NOW, startHarness, type Harness } from '../../support/platform/attribute-conversions-harness.js';
import { sale } from '../../support/messages/conversions.js';
import { adminToken, createVendor, type VendorHandle } from '../../support/platform/api-fixture.js';

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const SHOP = 'https://shop.example.com';

let h: Harness;
let api: ApiClient;
let conversionsQueueUrl: string;
let beacon: ReturnType<typeof createBeacon>;
let vendor: VendorHandle;
let campaignId: number;
let partner: SeededEnrollment;

beforeAll(async () => {
  h = await startHarness();
  conversionsQueueUrl = (await h.aws.sqs.send(new CreateQueueCommand({ QueueName: 'conversions' }))).QueueUrl!;
  const deps: PlatformDeps = {
    config: {
      tableNames: h.aws.tableNames,
      queueUrls: { clicks: h.aws.clicksQueueUrl, conversions: conversionsQueueUrl, notifications: '' },
      publicBaseUrl: 'https://go.example.test',
      adminToken,
      repeatClickWindowSeconds: 3600,
    },
    sql: h.sql,
    dynamodb: h.aws.dynamodb,
    sqs: h.aws.sqs,
    now: () => NOW,
  } as PlatformDeps;
  api = createApiClient(createManagementApi(deps));
  beacon = createBeacon({ clicks: h.store, queue: createSqsConversionQueue({ client: h.aws.sqs, queueUrl: conversionsQueueUrl }), now: () => NOW });
  vendor = await createVendor(api);
  const campaign = await seedCampaignVersion(h.sql, vendor.vendor_id, { destinationUrl: `${SHOP}/landing` });
  campaignId = campaign.campaignId;
  partner = await enrollPartner(h.sql, campaign, await seedPartner(h.sql));
}, 60_000);

afterAll(async () => {
  await h?.close();
});

/** What the visitor's browser sends to the short-link domain. */
function beaconRequest(method: 'GET' | 'POST' | 'OPTIONS', path: string, options: { body?: string; cookie?: string; userAgent?: string } = {}) {
  const event = buildApiEvent(method, path, undefined, {
    ...(options.body !== undefined ? { rawBody: options.body } : {}),
    headers: {
      origin: SHOP,
      'user-agent': options.userAgent ?? CHROME,
      ...(options.body !== undefined ? { 'content-type': 'text/plain;charset=UTF-8' } : {}),
      ...(options.cookie ? { cookie: options.cookie } : {}),
    },
  });
  return beacon(event);
}

/** Everything queued for the consumer, validated as the consumer will. */
async function queued(): Promise<string[]> {
  const bodies = (await h.aws.drain(conversionsQueueUrl)).map((m) => m.Body!);
  for (const body of bodies) conversionQueueMessageSchema.parse(JSON.parse(body));
  return bodies;
}

/** The money a funnel event must never move: the vendor's conversions, touches, the enrollment, payouts. */
async function money() {
  const { rows } = await h.sql.query(
    `SELECT (SELECT count(*)::integer FROM conversion_events WHERE vendor_id = :v::integer) AS conversions,
            (SELECT COALESCE(sum(commission_amount), 0)::text FROM conversion_events WHERE vendor_id = :v::integer) AS commission,
            (SELECT COALESCE(sum(event_value), 0)::text FROM conversion_events WHERE vendor_id = :v::integer) AS revenue,
            (SELECT count(*)::integer FROM touches t JOIN conversion_events ce USING (conversion_event_id) WHERE ce.vendor_id = :v::integer) AS touches,
            (SELECT count(*)::integer FROM payouts WHERE partner_id = :p::integer) AS payouts,
            (SELECT row_to_json(x)::text FROM (SELECT total_clicks, total_conversions, total_revenue, total_commission_earned
                                                FROM campaign_partners WHERE campaign_partner_id = :cp::integer) x) AS enrollment`,
    { v: vendor.vendor_id, p: partner.partnerId, cp: partner.campaignPartnerId },
  );
  return rows[0];
}

async function journeyOf(cookieId: string) {
  const { rows } = await h.sql.query<{ total_events: number; stage: string | null; is_converted: boolean; total_commission: string; events_sequence: Record<string, unknown>[] }>(
    `SELECT fj.total_events, t.name AS stage, fj.is_converted, fj.total_commission::text AS total_commission, fj.events_sequence
     FROM funnel_journeys fj LEFT JOIN conversion_event_types t ON t.conversion_event_type_id = fj.furthest_stage_id
     WHERE fj.cookie_id = :c::uuid`,
    { c: cookieId },
  );
  return rows[0]!;
}

describe('funnel events through the API and the beacon', () => {
  it('move the journeys and the funnel report, never conversions, totals, commissions or payouts', async () => {
    const link = partner.links[0]!;
    // Visitor A clicks and buys $100.00 (10 % = $10.00); visitor B clicks and browses.
    const a = await h.click(link, '2024-03-18T10:00:00.000Z');
    const b = await h.click(link, '2024-03-19T09:00:00.000Z');
    const purchase = sale(vendor.vendor_id, { click_id: a.click_id, event_value: '100.00', occurred_at: '2024-03-18T11:00:00.000Z' });
    expect((await h.run([purchase])).batchItemFailures).toEqual([]);
    const before = await money();
    expect(before).toMatchObject({ conversions: 1, commission: '10.000', revenue: '100.000', touches: 1, payouts: 0 });

    // The vendor's server reports funnel events through the conversion API: 202 as for a sale.
    const viewB = { event_type: 'page_view', transaction_id: 'view-b-1', click_id: b.click_id, occurred_at: '2024-03-19T09:05:00Z', metadata: { page: '/product/42' } };
    const cartA = { event_type: 'add_to_cart', transaction_id: 'cart-a-1', cookie_id: a.cookie_id, event_value: '35.00', occurred_at: '2024-03-18T10:30:00Z' };
    for (const body of [viewB, cartA]) {
      const res = await api.post('/v1/conversions', body, { token: vendor.key });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
    }
    // The shop's pages report through the beacon: sendBeacon's text/plain POST with the click id...
    const posted = await beaconRequest('POST', '/e', { body: JSON.stringify({ event: 'add_to_cart', aff_click_id: b.click_id, page: `${SHOP}/cart?email=jo@example.com` }) });
    expect(posted).toMatchObject({ statusCode: 204, headers: { 'access-control-allow-origin': SHOP, 'access-control-allow-credentials': 'true', vary: 'Origin' } });
    // ...and a pixel that carries only the click cookie of the short-link domain.
    const pixel = await beaconRequest('GET', '/e.gif?event=page_view&page=%2Fthanks', { cookie: `aff_cid=${a.cookie_id}` });
    expect(pixel).toMatchObject({ statusCode: 200, isBase64Encoded: true, headers: { 'content-type': 'image/gif' } });
    expect(Buffer.from(String(pixel.body), 'base64').subarray(0, 6).toString('latin1')).toBe('GIF89a');

    const messages = await queued();
    expect(messages).toHaveLength(4);
    // Delivered twice (SQS is at-least-once): the second delivery changes nothing.
    expect((await h.run(messages)).batchItemFailures).toEqual([]);
    expect((await h.run(messages)).batchItemFailures).toEqual([]);

    const journeyB = await journeyOf(b.cookie_id);
    expect(journeyB).toMatchObject({ total_events: 3, stage: 'add_to_cart', is_converted: false, total_commission: '0.000' });
    expect(journeyB.events_sequence.map((e) => [e.type, e.page ?? null, e.source ?? null])).toEqual([
      ['click', null, null],
      ['page_view', '/product/42', 'api'],
      // The page's query string (an email here) is never stored.
      ['add_to_cart', '/cart', 'beacon'],
    ]);
    const journeyA = await journeyOf(a.cookie_id);
    expect(journeyA).toMatchObject({ total_events: 4, stage: 'sale', is_converted: true, total_commission: '10.000' });
    expect(journeyA.events_sequence.map((e) => e.type)).toEqual(['click', 'add_to_cart', 'conversion', 'page_view']);

    const report = await api.get('/v1/reports/funnel', { token: vendor.key, query: { campaign_id: campaignId } });
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ journeys: 2, converted: 1 });
    expect(report.body.stages.map((s: Record<string, unknown>) => [s.stage, s.journeys_ending_here, s.reached, s.converted])).toEqual([
      ['add_to_cart', 1, 2, 0],
      ['sale', 1, 1, 1],
    ]);

    expect(await money()).toEqual(before);
    const stored = await h.sql.query(`SELECT count(*)::integer AS n FROM unattributed_conversions WHERE vendor_id = :v::integer`, { v: vendor.vendor_id });
    expect(stored.rows[0]).toEqual({ n: 0 });
  });

  it('a browser cannot make a conversion: a sale through the beacon is queued as funnel-only and ignored', async () => {
    const click = await h.click(partner.links[0]!, '2024-03-19T12:00:00.000Z');
    const before = await money();
    expect((await beaconRequest('POST', '/e', { body: `event=sale&aff_click_id=${click.click_id}&value=999.00` })).statusCode).toBe(204);
    const messages = await queued();
    expect(messages.map((m) => JSON.parse(m) as Record<string, unknown>)).toMatchObject([{ event_type: 'sale', funnel_only: true, vendor_id: vendor.vendor_id }]);
    expect((await h.run(messages)).batchItemFailures).toEqual([]);
    expect(await money()).toEqual(before);
    expect((await journeyOf(click.cookie_id)).total_events).toBe(1);
  });

  it('records nothing for bots, unknown or absent clicks; refuses malformed input with problem+json', async () => {
    const click = await h.click(partner.links[0]!, '2024-03-19T13:00:00.000Z');
    const body = JSON.stringify({ event: 'page_view', aff_click_id: click.click_id });
    expect((await beaconRequest('POST', '/e', { body, userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' })).statusCode).toBe(204);
    expect((await beaconRequest('POST', '/e', { body: JSON.stringify({ event: 'page_view', aff_click_id: '01946a2e-5f4a-7c3d-9e21-6a8b4c2d1e0f' }) })).statusCode).toBe(204);
    expect((await beaconRequest('GET', '/e.gif?event=page_view')).statusCode).toBe(200);
    expect(await queued()).toEqual([]);

    for (const bad of ['{"event":"Page View"}', '{"event":"page_view","aff_click_id":"not-a-uuid"}', '[1]', `{"event":"page_view","page":"${'x'.repeat(2500)}"}`]) {
      const res = await beaconRequest('POST', '/e', { body: bad });
      expect(res.statusCode, bad).toBe(400);
      expect(res.headers?.['content-type']).toBe('application/problem+json');
      expect(JSON.parse(String(res.body))).toMatchObject({ status: 400, detail: expect.stringContaining('event') });
    }
    const huge = await beaconRequest('POST', '/e', { body: JSON.stringify({ event: 'page_view', pad: 'x'.repeat(5000) }) });
    expect(huge.statusCode).toBe(400);
    expect(JSON.parse(String(huge.body))).toMatchObject({ status: 400, detail: expect.stringContaining('4096 bytes') });
    expect(await queued()).toEqual([]);
  });

  it('a hot-store or queue failure is a 503 problem (retry), logged, never a silent 204', async () => {
    const click = await h.click(partner.links[0]!, '2024-03-19T14:00:00.000Z');
    const logged: string[] = [];
    const log = { error: (message: string) => logged.push(message) };
    const failing = (error: Error) => async () => {
      throw error;
    };
    const queue = createSqsConversionQueue({ client: h.aws.sqs, queueUrl: conversionsQueueUrl });
    const storeDown = createBeacon({ clicks: { ...h.store, get: failing(new Error('dynamodb unavailable')) }, queue, now: () => NOW, log });
    const queueDown = createBeacon({ clicks: h.store, queue: { send: failing(new Error('sqs unavailable')) }, now: () => NOW, log });
    const request = buildApiEvent('POST', '/e', undefined, {
      rawBody: JSON.stringify({ event: 'page_view', aff_click_id: click.click_id }),
      headers: { 'user-agent': CHROME, 'content-type': 'text/plain' },
    });
    for (const beaconDown of [storeDown, queueDown]) {
      const res = await beaconDown(request);
      expect(res).toMatchObject({ statusCode: 503, headers: { 'content-type': 'application/problem+json', 'retry-after': '1' } });
    }
    expect(logged).toEqual(['beacon_click_lookup_failed', 'beacon_send_failed']);
    expect(await queued()).toEqual([]);
  });

  it('answers the CORS preflight of a fetch with a JSON body', async () => {
    expect(await beaconRequest('OPTIONS', '/e')).toMatchObject({
      statusCode: 204,
      headers: { 'access-control-allow-origin': SHOP, 'access-control-allow-methods': 'POST, GET', 'access-control-allow-headers': 'content-type' },
    });
  });

  it('the conversion API refuses the event types the platform records itself', async () => {
    for (const type of ['click', 'refund', 'dispute']) {
      const res = await api.post('/v1/conversions', { event_type: type, transaction_id: `t-${type}` }, { token: vendor.key });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ path: 'body.event_type', message: expect.stringContaining('refund') }]);
    }
  });
});
