import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversionReceiptId } from '../../../../functions/domain/integrations/index.js';
import { startLocalSqs, type LocalSqs } from '../../../support/stand-ins/local-aws.js';
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

let sqs: LocalSqs;
let vendor: VendorHandle;
let other: VendorHandle;

const f = useApiFixture(async () => {
  sqs = await startLocalSqs();
  f.deps.sqs = sqs.sqs;
  f.deps.config.queueUrls.conversions = sqs.queueUrl;
  vendor = await createVendor(f.api);
  other = await createVendor(f.api);
});
afterAll(async () => {
  await sqs?.close();
});

describe('POST /v1/conversions', () => {
  const body = {
    event_type: 'sale',
    transaction_id: 'order-1001',
    event_value: '120.50',
    click_id: '01946a2e-5f4a-7c3d-9e21-6a8b4c2d1e0f',
    customer_email: 'jane@example.com',
    occurred_at: '2026-03-01T11:00:00Z',
  };

  it('202 with a deterministic receipt; the same report again gets the same receipt', async () => {
    await sqs.drain();
    const first = await f.api.post('/v1/conversions', body, { token: vendor.key });
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    const receipt = conversionReceiptId({ vendor_id: vendor.vendor_id, source: 'api', transaction_id: 'order-1001', event_type: 'sale' });
    expect(first.body).toEqual({ receipt_id: receipt, status: 'accepted' });
    const again = await f.api.post('/v1/conversions', body, { token: vendor.key });
    expect(again.body).toEqual(first.body);
    const messages = await sqs.drain();
    expect(messages).toHaveLength(2);
    expect(messages[0]).toEqual({
      kind: 'conversion',
      vendor_id: vendor.vendor_id,
      source: 'api',
      receipt_id: receipt,
      event_type: 'sale',
      transaction_id: 'order-1001',
      event_value: '120.50',
      occurred_at: '2026-03-01T11:00:00.000Z',
      click_id: '01946a2e-5f4a-7c3d-9e21-6a8b4c2d1e0f',
      customer_email: 'jane@example.com',
    });
    expect(messages[1]).toEqual(messages[0]);
  });

  it('the receipt differs by vendor and by event type', async () => {
    const a = await f.api.post('/v1/conversions', body, { token: other.key });
    const b = await f.api.post('/v1/conversions', { ...body, event_type: 'signup' }, { token: vendor.key });
    const mine = conversionReceiptId({ vendor_id: vendor.vendor_id, source: 'api', transaction_id: 'order-1001', event_type: 'sale' });
    expect(new Set([a.body.receipt_id, b.body.receipt_id, mine]).size).toBe(3);
    await sqs.drain();
  });

  it.each([
    ['an unknown event type', { ...body, event_type: 'teleport' }, 'body.event_type'],
    ['a float amount', { ...body, event_value: 120.5 }, 'body.event_value'],
    ['a click id that is not a UUID', { ...body, click_id: 'abc' }, 'body.click_id'],
    ['an unknown field', { ...body, partner_id: 3 }, 'body.partner_id'],
    ['an occurred_at an hour ahead', { ...body, occurred_at: '2026-03-01T13:00:00Z' }, 'body.occurred_at'],
  ])('400 and nothing queued for %s', async (_name, payload, path) => {
    const res = await f.api.post('/v1/conversions', payload, { token: vendor.key });
    expectProblem(res, 400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await sqs.depth()).toBe(0);
  });

  it('503 when the queue is unreachable (nothing accepted)', async () => {
    const url = f.deps.config.queueUrls.conversions;
    f.deps.config.queueUrls.conversions = '';
    try {
      const res = await f.api.post('/v1/conversions', body, { token: vendor.key });
      expectProblem(res, 503);
    } finally {
      f.deps.config.queueUrls.conversions = url;
    }
  });
});

describe('GET /v1/conversions', () => {
  let campaign: { campaign_id: number; campaign_version_id: number };
  let partnerA: number;
  let partnerB: number;
  let seeded: { conversion_event_id: number; receipt_id: string };

  beforeAll(async () => {
    campaign = await createCampaign(f.api, vendor.key);
    partnerA = (await createPartner(f.api)).partner_id;
    partnerB = (await createPartner(f.api)).partner_id;
    await enroll(f.api, vendor.key, campaign.campaign_id, partnerA);
    await enroll(f.api, vendor.key, campaign.campaign_id, partnerB);
    seeded = await seedConversion(f.db.sql, {
      vendor_id: vendor.vendor_id,
      partner_id: partnerA,
      campaign_version_id: campaign.campaign_version_id,
      transaction_id: 'tx-linear',
      event_value: '100.00',
      commission_amount: '10.00',
      attribution_type: 'linear',
      occurred_at: '2026-02-10T10:00:00Z',
      touches: [
        { partner_id: partnerA, touch_type: 'first', touch_value: '5.00', weight: '0.5', occurred_at: '2026-02-01T10:00:00Z' },
        { partner_id: partnerB, touch_type: 'last', touch_value: '5.00', weight: '0.5', occurred_at: '2026-02-05T10:00:00Z' },
      ],
    });
    await seedConversion(f.db.sql, {
      vendor_id: vendor.vendor_id,
      partner_id: partnerB,
      campaign_version_id: campaign.campaign_version_id,
      transaction_id: 'tx-approved',
      event_value: '50.00',
      commission_amount: '5.00',
      status: 'approved',
      occurred_at: '2026-02-11T10:00:00Z',
      touches: [{ partner_id: partnerB, touch_type: 'only', touch_value: '5.00', occurred_at: '2026-02-11T09:00:00Z' }],
    });
  });

  it('one conversion by id or by receipt, with its touches', async () => {
    const byId = await f.api.get(`/v1/conversions/${seeded.conversion_event_id}`, { token: vendor.key });
    expect(byId.status).toBe(200);
    expect(byId.body).toMatchObject({
      conversion_event_id: seeded.conversion_event_id,
      receipt_id: seeded.receipt_id,
      partner_id: partnerA,
      campaign_id: campaign.campaign_id,
      campaign_version_id: campaign.campaign_version_id,
      status: 'pending',
      event_type: 'sale',
      event_value: '100.00',
      commission_amount: '10.00',
      commission_type: 'percentage',
      commission_value: '10.00',
      attribution_type: 'linear',
      attribution_confidence: 'high',
      touches: [
        { partner_id: partnerA, touch_type: 'first', touch_value: '5.00', weight: '0.5' },
        { partner_id: partnerB, touch_type: 'last', touch_value: '5.00', weight: '0.5' },
      ],
    });
    const byReceipt = await f.api.get(`/v1/conversions/${seeded.receipt_id}`, { token: vendor.key });
    expect(byReceipt.body).toEqual(byId.body);
  });

  it('404 for another vendor, and for a receipt not processed yet', async () => {
    expectProblem(await f.api.get(`/v1/conversions/${seeded.conversion_event_id}`, { token: other.key }), 404);
    expectProblem(await f.api.get(`/v1/conversions/${seeded.receipt_id}`, { token: other.key }), 404);
    const pending = conversionReceiptId({ vendor_id: vendor.vendor_id, source: 'api', transaction_id: 'order-1001', event_type: 'sale' });
    expectProblem(await f.api.get(`/v1/conversions/${pending}`, { token: vendor.key }), 404);
  });

  it('lists newest first with filters and cursor pages', async () => {
    const all = await f.api.get('/v1/conversions', { token: vendor.key, query: { campaign_id: campaign.campaign_id } });
    expect(all.body.data.map((c: { transaction_id: string }) => c.transaction_id)).toEqual(['tx-approved', 'tx-linear']);
    const approved = await f.api.get('/v1/conversions', { token: vendor.key, query: { status: 'approved' } });
    expect(approved.body.data.map((c: { transaction_id: string }) => c.transaction_id)).toEqual(['tx-approved']);
    const byPartner = await f.api.get('/v1/conversions', { token: vendor.key, query: { partner_id: partnerA } });
    expect(byPartner.body.data.map((c: { transaction_id: string }) => c.transaction_id)).toEqual(['tx-linear']);
    const page1 = await f.api.get('/v1/conversions', { token: vendor.key, query: { limit: 1 } });
    expect(page1.body.data).toHaveLength(1);
    const page2 = await f.api.get('/v1/conversions', { token: vendor.key, query: { limit: 1, cursor: page1.body.next_cursor } });
    expect(page2.body.data[0].transaction_id).toBe('tx-linear');
    const theirs = await f.api.get('/v1/conversions', { token: other.key });
    expect(theirs.body.data).toEqual([]);
  });
});

describe('currencies on /v1/conversions (docs/money.md)', () => {
  const sale = { event_type: 'sale', click_id: '01946a2e-5f4a-7c3d-9e21-6a8b4c2d1e0f', occurred_at: '2026-03-01T11:00:00Z' };

  it.each([
    ['a code that is not ISO 4217', { currency: 'ABC', event_value: '10.00' }, 'body.currency'],
    ['a metal, not money', { currency: 'XAU', event_value: '10.00' }, 'body.currency'],
    ['yen with decimals', { currency: 'JPY', event_value: '500.5' }, 'body.event_value'],
    ['dollars with three decimals', { currency: 'USD', event_value: '12.345' }, 'body.event_value'],
  ])('400 naming the field and nothing queued for %s', async (_name, fields, path) => {
    await sqs.drain();
    const res = await f.api.post('/v1/conversions', { ...sale, transaction_id: `cur-${path}-${fields.currency}`, ...fields }, { token: vendor.key });
    expectProblem(res, 400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await sqs.depth()).toBe(0);
  });

  it('an amount is checked against the named campaign\'s currency when the sale names none', async () => {
    await sqs.drain();
    const yen = await createCampaign(f.api, vendor.key, { currency: 'JPY', default_commission_value: '10.00' });
    const bad = await f.api.post('/v1/conversions', { ...sale, transaction_id: 'yen-1', event_value: '5000.50', campaign_id: yen.campaign_id }, { token: vendor.key });
    expectProblem(bad, 400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.event_value']);
    const good = await f.api.post('/v1/conversions', { ...sale, transaction_id: 'yen-2', event_value: '5000', campaign_id: yen.campaign_id }, { token: vendor.key });
    expect(good.status, JSON.stringify(good.body)).toBe(202);
    const kwd = await f.api.post('/v1/conversions', { ...sale, transaction_id: 'kwd-1', event_value: '12.345', currency: 'kwd' }, { token: vendor.key });
    expect(kwd.status, JSON.stringify(kwd.body)).toBe(202);
    const messages = await sqs.drain();
    expect(messages.map((m) => (m.kind === 'conversion' ? [m.transaction_id, m.event_value, m.currency] : []))).toEqual([
      ['yen-2', '5000', undefined],
      ['kwd-1', '12.345', 'KWD'],
    ]);
  });

  it('GET returns each conversion\'s currency and its amounts in that currency\'s decimals', async () => {
    const partner = await createPartner(f.api);
    const yen = await createCampaign(f.api, vendor.key, { currency: 'JPY' });
    await enroll(f.api, vendor.key, yen.campaign_id, partner.partner_id);
    const seeded = await seedConversion(f.db.sql, {
      vendor_id: vendor.vendor_id,
      partner_id: partner.partner_id,
      campaign_version_id: yen.campaign_version_id,
      transaction_id: 'yen-read',
      currency: 'JPY',
      event_value: '5000',
      commission_amount: '500',
      occurred_at: '2026-03-01T10:00:00Z',
      touches: [{ partner_id: partner.partner_id, touch_type: 'only', touch_value: '500', occurred_at: '2026-03-01T09:00:00Z' }],
    });
    const one = await f.api.get(`/v1/conversions/${seeded.conversion_event_id}`, { token: vendor.key });
    expect(one.body).toMatchObject({
      currency: 'JPY',
      event_value: '5000',
      commission_amount: '500',
      refunded_amount: '0',
      commission_value: '10.00',
      touches: [{ touch_value: '500' }],
    });
    const list = await f.api.get('/v1/conversions', { token: vendor.key, query: { campaign_id: yen.campaign_id } });
    expect(list.body.data.map((c: { currency: string; event_value: string }) => [c.currency, c.event_value])).toEqual([['JPY', '5000']]);
  });
});

describe('GET /v1/unattributed-conversions', () => {
  it('shows the vendor the sales kept without a commission, with their currency and reason; never the refund ledger', async () => {
    const insert = (vendorId: number, row: { tx: string; type?: string; value: string | null; currency: string; reason: string; refusal?: string }) =>
      f.db.sql.query(
        `INSERT INTO unattributed_conversions (vendor_id, source, transaction_id, event_type, event_value, currency, payload, reason, occurred_at)
         VALUES (:v::integer, 'api', :tx, :type, :value::numeric, :currency, :payload::jsonb, :reason, '2026-03-01T10:00:00Z')`,
        { v: vendorId, tx: row.tx, type: row.type ?? 'sale', value: row.value, currency: row.currency, reason: row.reason, payload: JSON.stringify(row.refusal ? { refusal: row.refusal } : {}) },
      );
    await insert(vendor.vendor_id, { tx: 'eur-on-usd', value: '80.00', currency: 'EUR', reason: 'currency_mismatch', refusal: 'The sale is in EUR but campaign 1 prices in USD: no commission (amounts are never converted).' });
    await insert(vendor.vendor_id, { tx: 'too-fine', value: '12.345', currency: 'USD', reason: 'amount_exceeds_currency_decimals' });
    await insert(vendor.vendor_id, { tx: 'yen', value: '5000', currency: 'JPY', reason: 'no_click_in_window' });
    await insert(vendor.vendor_id, { tx: 'refunded', type: 'refund', value: null, currency: 'USD', reason: 'refund_ledger' });
    await insert(other.vendor_id, { tx: 'theirs', value: '1.00', currency: 'USD', reason: 'currency_mismatch' });

    const all = await f.api.get('/v1/unattributed-conversions', { token: vendor.key });
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    expect(all.body.data.map((r: Record<string, string>) => [r.transaction_id, r.event_value, r.currency, r.reason])).toEqual([
      ['yen', '5000', 'JPY', 'no_click_in_window'],
      ['too-fine', '12.345', 'USD', 'amount_exceeds_currency_decimals'],
      ['eur-on-usd', '80.00', 'EUR', 'currency_mismatch'],
    ]);
    const mismatched = await f.api.get('/v1/unattributed-conversions', { token: vendor.key, query: { reason: 'currency_mismatch' } });
    expect(mismatched.body.data).toEqual([
      expect.objectContaining({ transaction_id: 'eur-on-usd', refusal: expect.stringMatching(/in EUR but campaign 1 prices in USD/) }),
    ]);
    const paged = await f.api.get('/v1/unattributed-conversions', { token: vendor.key, query: { limit: '2' } });
    const next = await f.api.get('/v1/unattributed-conversions', { token: vendor.key, query: { limit: '2', cursor: paged.body.next_cursor } });
    expect(next.body.data.map((r: Record<string, string>) => r.transaction_id)).toEqual(['eur-on-usd']);
    const theirs = await f.api.get('/v1/unattributed-conversions', { token: other.key });
    expect(theirs.body.data.map((r: Record<string, string>) => r.transaction_id)).toEqual(['theirs']);
  });
});
