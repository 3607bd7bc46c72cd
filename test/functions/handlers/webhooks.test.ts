// Over 300 lines: the webhook route's signature, replay, dedupe and queueing rules for Stripe and Shopify over one fixture and the providers' own signing.
/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies asserted field by field. */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SQSClient } from '@aws-sdk/client-sqs';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHandler } from '../../../functions/handlers/webhooks.js';
import { conversionReceiptId } from '../../../functions/domain/integrations/index.js';
import type { PlatformDeps } from '../../../functions/platform/composition-root.js';
import { insertIntegration, insertMapping } from '../../../functions/repositories/accounts/integrations.js';
import { buildApiEvent } from '../../support/platform/api-client.js';
import { createTestDatabase, type TestDatabase } from '../../support/database/test-database.js';
import { startLocalSqs, type LocalSqs } from '../../support/stand-ins/local-aws.js';
import { createRoleExecutor } from '../../../functions/adapters/sql/role-executor.js';
import { functions as declaredFunctions } from '../../../lib/resources.js';

const stripe = new Stripe('sk_test_not_used');
const stripeSecret = 'whsec_test_0123456789abcdef';
const shopifySecret = 'shpss_test_0123456789abcdef';
const now = new Date('2026-03-01T12:00:00.000Z');
const nowSeconds = Math.floor(now.getTime() / 1000);

const sample = (path: string) => readFileSync(new URL(`../../../events/${path}`, import.meta.url), 'utf8');

let db: TestDatabase;
let sqs: LocalSqs;
let handler: ReturnType<typeof createHandler>;
let vendorId: number;
let stripeId: number;
let shopifyId: number;

async function send(path: string, rawBody: string, headers: Record<string, string>, base64 = false) {
  const event = buildApiEvent('POST', path, undefined, { rawBody, headers });
  (event as any).routeKey = 'POST /webhooks/{provider}/{integration_id}';
  if (base64) {
    event.body = Buffer.from(rawBody, 'utf8').toString('base64');
    event.isBase64Encoded = true;
  }
  const res = await handler(event);
  return { status: res.statusCode!, body: res.body ? JSON.parse(res.body) : undefined, headers: res.headers ?? {} };
}

function stripeHeader(payload: string, timestamp = nowSeconds, secret = stripeSecret) {
  return { 'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp }) };
}

const sendStripe = (payload: string, headers: Record<string, string> = stripeHeader(payload), id = stripeId) => send(`/webhooks/stripe/${id}`, payload, headers);

function shopifyHeaders(payload: string, topic: string, webhookId: string, secret = shopifySecret) {
  return {
    'x-shopify-hmac-sha256': createHmac('sha256', secret).update(payload, 'utf8').digest('base64'),
    'x-shopify-topic': topic,
    'x-shopify-webhook-id': webhookId,
    'x-shopify-shop-domain': 'trail-shop.myshopify.com',
  };
}

const sendShopify = (payload: string, headers: Record<string, string>) => send(`/webhooks/shopify/${shopifyId}`, payload, headers);

beforeAll(async () => {
  db = await createTestDatabase();
  sqs = await startLocalSqs();
  const { rows } = await db.sql.query<{ vendor_id: number }>(
    `INSERT INTO vendors (name, email) VALUES ('Trail Shop', 'webhooks-vendor@example.com') RETURNING vendor_id`,
  );
  vendorId = rows[0]!.vendor_id;
  stripeId = await insertIntegration(db.sql, {
    vendor_id: vendorId,
    name: 'Stripe live',
    config: { provider: 'stripe', signing_secret: stripeSecret },
    campaign_id: null,
    now,
  });
  shopifyId = await insertIntegration(db.sql, {
    vendor_id: vendorId,
    name: 'Shopify',
    config: { provider: 'shopify', signing_secret: shopifySecret, shop_domain: 'trail-shop.myshopify.com' },
    campaign_id: null,
    now,
  });
  const deps: PlatformDeps = {
    config: {
      tableNames: { links: 'links', clicks: 'clicks' },
      queueUrls: { clicks: '', conversions: sqs.queueUrl, notifications: '' },
      publicBaseUrl: 'https://go.example.test',
      repeatClickWindowSeconds: 3600,
    },
    // As on AWS: the webhook receiver's statements run as its own role (schema/0013_database_roles.sql).
    sql: createRoleExecutor(db.sql, declaredFunctions.webhooks.databaseRole),
    dynamodb: undefined as never,
    sqs: sqs.sqs,
    now: () => now,
  };
  handler = createHandler(deps);
});

afterAll(async () => {
  await sqs?.close();
  await db?.close();
});

beforeEach(async () => {
  await sqs.drain();
});

describe('Stripe', () => {
  it('checkout.session.completed: one sale keyed by the payment intent, click id from client_reference_id', async () => {
    const payload = sample('stripe/checkout.session.completed.json');
    const res = await sendStripe(payload);
    expect(res.status).toBe(200);
    const receipt = conversionReceiptId({ vendor_id: vendorId, source: 'stripe', transaction_id: 'pi_3QbCjzLz8xYtRq3m1F9gH8jK', event_type: 'sale' });
    expect(res.body).toEqual({ received: true, enqueued: 1, receipt_ids: [receipt] });
    const messages = await sqs.drain();
    expect(messages).toEqual([
      {
        kind: 'conversion',
        vendor_id: vendorId,
        source: 'stripe',
        receipt_id: receipt,
        event_type: 'sale',
        transaction_id: 'pi_3QbCjzLz8xYtRq3m1F9gH8jK',
        event_value: '99.99', // amount_total 9999 cents
        currency: 'USD',
        occurred_at: '2025-01-15T10:30:00.000Z',
        click_id: '01946a2e-5f4a-7c3d-9e21-6a8b4c2d1e0f',
        customer_id: 'cus_RtYu8IoP3aS2dF',
        customer_email: 'jane.doe@example.com',
        integration_id: stripeId,
        provider_event_id: 'evt_1QbCk2Lz8xYtRq3m0aB1cD2e',
        metadata: { stripe_event_type: 'checkout.session.completed', stripe_checkout_session_id: 'cs_test_a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwXyZ' },
      },
    ]);
  });

  it('takes the click id from metadata.aff_click_id when client_reference_id is the merchant’s own', async () => {
    const event = JSON.parse(sample('stripe/checkout.session.completed.json'));
    event.data.object.client_reference_id = 'order-42';
    const res = await sendStripe(JSON.stringify(event));
    expect(res.status).toBe(200);
    const [message] = await sqs.drain();
    expect(message).toMatchObject({ click_id: '01946a2e-5f4a-7c3d-9e21-6a8b4c2d1e0f' });
  });

  it('a redelivered event is enqueued again with the same receipt (the consumer dedupes)', async () => {
    const payload = sample('stripe/checkout.session.completed.json');
    const first = await sendStripe(payload);
    const again = await sendStripe(payload);
    expect(again.body.receipt_ids).toEqual(first.body.receipt_ids);
    const messages = await sqs.drain();
    expect(messages).toHaveLength(2);
    expect(new Set(messages.map((m) => m.provider_event_id))).toEqual(new Set(['evt_1QbCk2Lz8xYtRq3m0aB1cD2e']));
  });

  it('invoice.paid: a recurring sale on the invoice’s payment intent', async () => {
    const res = await sendStripe(sample('stripe/invoice.paid.json'));
    expect(res.status).toBe(200);
    const [message] = await sqs.drain();
    expect(message).toMatchObject({
      kind: 'conversion',
      transaction_id: 'pi_3QcDkzLz8xYtRq3m2Gh3Ij4K',
      event_value: '29.00',
      recurring: true,
      customer_id: 'cus_RtYu8IoP3aS2dF',
      provider_event_id: 'evt_1QcDl3Lz8xYtRq3mPq7Rs6Tu',
    });
    expect(message).not.toHaveProperty('click_id');
  });

  it('charge.refunded, pre-2022-11-15 shape (complete embedded list): each refund under its re_ id', async () => {
    const res = await sendStripe(sample('stripe/charge.refunded.partial.json'));
    expect(res.status).toBe(200);
    const base = {
      kind: 'refund',
      vendor_id: vendorId,
      source: 'stripe',
      transaction_id: 'pi_3QbCjzLz8xYtRq3m1F9gH8jK',
      amount: '25.00',
      currency: 'USD',
      reason: 'refund',
      integration_id: stripeId,
      charge_id: 'ch_3QbCjzLz8xYtRq3m1Mn2Op3Q',
    };
    expect(await sqs.drain()).toEqual([
      {
        ...base,
        occurred_at: new Date(1737541799 * 1000).toISOString(),
        provider_event_id: 'evt_3QdEm4Lz8xYtRq3m1Wx2Yz3A/re_3QdEm3Lz8xYtRq3m0Rs1Tu2V',
        refund_key: 're_3QdEm3Lz8xYtRq3m0Rs1Tu2V',
        refund_status: 'succeeded',
      },
    ]);
  });

  it('charge.refunded (full, running total 99.99): one entry per listed refund, never the running total twice', async () => {
    await sendStripe(sample('stripe/charge.refunded.full.json'));
    const messages = await sqs.drain();
    expect(messages.map((m) => (m.kind === 'refund' ? [m.refund_key, m.amount, m.cumulative === true] : null)).sort()).toEqual([
      ['re_3QdEm3Lz8xYtRq3m0Rs1Tu2V', '25.00', false],
      ['re_3QeFn4Lz8xYtRq3m1St2Uv3W', '74.99', false],
    ]);
    expect(new Set(messages.map((m) => m.transaction_id))).toEqual(new Set(['pi_3QbCjzLz8xYtRq3m1F9gH8jK']));
  });

  it('charge.refunded without a refunds list (API 2022-11-15 and later): the running total under the charge', async () => {
    const event = JSON.parse(sample('stripe/charge.refunded.full.json'));
    delete event.data.object.refunds;
    const body = JSON.stringify(event);
    expect((await sendStripe(body, stripeHeader(body))).status).toBe(200);
    expect(await sqs.drain()).toEqual([
      expect.objectContaining({ refund_key: 'amount_refunded:ch_3QbCjzLz8xYtRq3m1Mn2Op3Q', amount: '99.99', currency: 'USD', cumulative: true }),
    ]);
  });

  it('charge.dispute.created: a dispute reversal of the disputed amount on the same payment intent', async () => {
    await sendStripe(sample('stripe/charge.dispute.created.json'));
    expect(await sqs.drain()).toEqual([
      expect.objectContaining({
        kind: 'refund',
        reason: 'dispute',
        amount: '99.99',
        currency: 'USD',
        transaction_id: 'pi_3QbCjzLz8xYtRq3m1F9gH8jK',
        refund_key: 'dp_1QfGo5Lz8xYtRq3mCd6Ef7Gh',
        dispute_id: 'dp_1QfGo5Lz8xYtRq3mCd6Ef7Gh',
      }),
    ]);
  });

  it('verifies a base64-encoded body on its decoded bytes', async () => {
    const payload = sample('stripe/checkout.session.completed.json');
    const res = await send(`/webhooks/stripe/${stripeId}`, payload, stripeHeader(payload), true);
    expect(res.status).toBe(200);
    expect(await sqs.depth()).toBe(1);
  });

  it('acknowledges unhandled event types without enqueueing', async () => {
    const event = JSON.parse(sample('stripe/checkout.session.completed.json'));
    event.type = 'customer.created';
    const res = await sendStripe(JSON.stringify(event));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ignored: true });
    expect(await sqs.depth()).toBe(0);
  });

  const payload = sample('stripe/checkout.session.completed.json');
  it.each([
    ['a tampered body (amount changed after signing)', payload.replace('"amount_total": 9999', '"amount_total": 999999'), stripeHeader(payload), 'signature_mismatch'],
    ['a stale timestamp (301 s old)', payload, stripeHeader(payload, nowSeconds - 301), 'timestamp_outside_tolerance'],
    ['a future timestamp (301 s ahead)', payload, stripeHeader(payload, nowSeconds + 301), 'timestamp_outside_tolerance'],
    ['the wrong secret', payload, stripeHeader(payload, nowSeconds, 'whsec_someone_else'), 'signature_mismatch'],
    ['no Stripe-Signature header', payload, {} as Record<string, string>, 'missing_header'],
    ['a signed body that is not JSON', '{"id": "evt_1", not json', stripeHeader('{"id": "evt_1", not json'), null],
    ['a signed JSON body that is not an event', '{"hello":"world"}', stripeHeader('{"hello":"world"}'), null],
  ])('400 and nothing enqueued for %s', async (_name, body, headers, reason) => {
    const res = await sendStripe(body, headers);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    if (reason) expect(res.body.detail).toContain(reason);
    expect(await sqs.depth()).toBe(0);
  });

  // The handler's clock is deps.now (fixed at `now` above) and the signed timestamps are computed
  // from that same constant, never from the wall clock: the boundary cannot move under load.
  it('accepts timestamps just inside the 300 s tolerance both ways', async () => {
    expect((await sendStripe(payload, stripeHeader(payload, nowSeconds - 300))).status).toBe(200);
    expect((await sendStripe(payload, stripeHeader(payload, nowSeconds + 300))).status).toBe(200);
    expect((await sqs.drain()).map((m) => m.kind)).toEqual(['conversion', 'conversion']);
  });

  it('a sale without amount is malformed: 400, nothing enqueued', async () => {
    const event = JSON.parse(payload);
    delete event.data.object.amount_total;
    const body = JSON.stringify(event);
    expect((await sendStripe(body, stripeHeader(body))).status).toBe(400);
    expect(await sqs.depth()).toBe(0);
  });

  it.each([
    ['a NUL character', 'jane\u0000@example.com'],
    ['an unpaired surrogate', 'jane\ud800@example.com'],
  ])('a sale whose customer email holds %s is malformed: 400, nothing enqueued (PostgreSQL could not store it; found by the fuzz suite)', async (_name, emailValue) => {
    const event = JSON.parse(payload);
    event.data.object.customer_details = { email: emailValue };
    const body = JSON.stringify(event);
    const res = await sendStripe(body, stripeHeader(body));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ type: '/problems/webhook-malformed' });
    expect(await sqs.depth()).toBe(0);
  });

  it('a validly signed refund whose refund id alone is 300 KB is malformed: 400, nothing enqueued (no queue takes it, so a 503 would be retried forever; found by the fuzz suite)', async () => {
    const event = JSON.parse(sample('stripe/charge.refunded.partial.json'));
    event.data.object.refunds.data[0].id = `re_${'A'.repeat(300_000)}`;
    const body = JSON.stringify(event);
    const res = await sendStripe(body, stripeHeader(body));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ type: '/problems/webhook-malformed' });
    expect(await sqs.depth()).toBe(0);
  });

  it('404 for an unknown integration or the wrong provider in the path', async () => {
    expect((await sendStripe(payload, stripeHeader(payload), 999_999)).status).toBe(404);
    expect((await send(`/webhooks/shopify/${stripeId}`, payload, stripeHeader(payload))).status).toBe(404);
    expect((await send(`/webhooks/paypal/${stripeId}`, payload, stripeHeader(payload))).status).toBe(404);
    expect(await sqs.depth()).toBe(0);
  });

  it('503 when the queue refuses the message, so Stripe retries', async () => {
    const broken = createHandler({
      config: {
        tableNames: { links: 'links', clicks: 'clicks' },
        queueUrls: { clicks: '', conversions: sqs.queueUrl, notifications: '' },
        publicBaseUrl: 'https://go.example.test',
        repeatClickWindowSeconds: 3600,
      },
      sql: db.sql,
      dynamodb: undefined as never,
      sqs: new SQSClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 }),
      now: () => now,
    });
    const event = buildApiEvent('POST', `/webhooks/stripe/${stripeId}`, undefined, { rawBody: payload, headers: stripeHeader(payload) });
    const res = await broken(event);
    expect(res.statusCode).toBe(503);
  });
});

describe('Shopify', () => {
  const order = sample('shopify/orders-paid.json');

  it('orders/paid: a sale keyed by the order id, click id from note attributes', async () => {
    const res = await sendShopify(order, shopifyHeaders(order, 'orders/paid', 'wh-order-1'));
    expect(res.status).toBe(200);
    expect(await sqs.drain()).toEqual([
      expect.objectContaining({
        kind: 'conversion',
        source: 'shopify',
        transaction_id: '5812345678901',
        event_value: '99.99',
        currency: 'USD',
        click_id: '01946a2e-5f4a-7c3d-9e21-6a8b4c2d1e0f',
        customer_email: 'jane.doe@example.com',
        occurred_at: '2025-01-15T15:28:19.000Z',
        provider_event_id: 'wh-order-1',
        receipt_id: conversionReceiptId({ vendor_id: vendorId, source: 'shopify', transaction_id: '5812345678901', event_type: 'sale' }),
      }),
    ]);
  });

  it('falls back to the landing site’s aff_click_id', async () => {
    const body = JSON.parse(order);
    body.note_attributes = [];
    const text = JSON.stringify(body);
    await sendShopify(text, shopifyHeaders(text, 'orders/create', 'wh-order-2'));
    expect((await sqs.drain())[0]).toMatchObject({ click_id: '01946a2e-5f4a-7c3d-9e21-6a8b4c2d1e0f' });
  });

  it('refunds/create: the sum of successful refund transactions on the order id', async () => {
    const refund = sample('shopify/refunds-create.json');
    expect((await sendShopify(refund, shopifyHeaders(refund, 'refunds/create', 'wh-refund-1'))).status).toBe(200);
    expect(await sqs.drain()).toEqual([
      expect.objectContaining({
        kind: 'refund',
        transaction_id: '5812345678901',
        amount: '25.00',
        currency: 'USD',
        reason: 'refund',
        provider_event_id: 'wh-refund-1',
        refund_key: 'refund:921234567890',
      }),
    ]);
  });

  it.each([
    ['a tampered body', order.replace('"99.99"', '"9.99"'), shopifyHeaders(order, 'orders/paid', 'wh-x')],
    ['the wrong secret', order, shopifyHeaders(order, 'orders/paid', 'wh-x', 'other-secret')],
    ['no HMAC header', order, { 'x-shopify-topic': 'orders/paid', 'x-shopify-webhook-id': 'wh-x' }],
    ['no webhook id', order, { ...shopifyHeaders(order, 'orders/paid', 'wh-x'), 'x-shopify-webhook-id': '' }],
    ['another shop', order, { ...shopifyHeaders(order, 'orders/paid', 'wh-x'), 'x-shopify-shop-domain': 'evil.myshopify.com' }],
  ])('400 and nothing enqueued for %s', async (_name, body, headers) => {
    const res = await sendShopify(body, headers);
    expect(res.status).toBe(400);
    expect(await sqs.depth()).toBe(0);
  });

  it('ignores unhandled topics', async () => {
    const res = await sendShopify(order, shopifyHeaders(order, 'customers/create', 'wh-c'));
    expect(res.body).toMatchObject({ ignored: true });
    expect(await sqs.depth()).toBe(0);
  });
});

describe('integration_event_mappings', () => {
  let mappedId: number;
  beforeAll(async () => {
    mappedId = await insertIntegration(db.sql, {
      vendor_id: vendorId,
      name: 'Shopify mapped',
      config: { provider: 'shopify', signing_secret: shopifySecret },
      campaign_id: null,
      now,
    });
    const { rows } = await db.sql.query<{ id: number }>(`SELECT conversion_event_type_id AS id FROM conversion_event_types WHERE name = 'upgrade'`);
    await insertMapping(db.sql, {
      integration_id: mappedId,
      campaign_version_id: null,
      event_name: 'orders/paid',
      mapping_config: {
        conversion_event_type_id: rows[0]!.id,
        field_mappings: { transaction_id: '$.order_number', event_value: '$.subtotal_price', customer_email: '$.customer.email' },
        conditions: { min_value: 50, excluded_tags: ['test', 'internal'] },
      },
      now,
    });
  });

  const post = (body: string, id: string) => send(`/webhooks/shopify/${mappedId}`, body, shopifyHeaders(body, 'orders/paid', id));

  it('maps fields by JSONPath and names the event type', async () => {
    const res = await post(sample('shopify/orders-paid.json'), 'wh-m1');
    expect(res.status).toBe(200);
    const [message] = await sqs.drain();
    expect(message).toMatchObject({
      kind: 'conversion',
      event_type: 'upgrade',
      transaction_id: '1042',
      event_value: '89.99',
      receipt_id: conversionReceiptId({ vendor_id: vendorId, source: 'shopify', transaction_id: '1042', event_type: 'upgrade' }),
    });
  });

  it.each([
    ['below min_value', (o: any) => ({ ...o, subtotal_price: '49.99' }), 'min_value'],
    ['an excluded tag', (o: any) => ({ ...o, tags: 'vip, Internal' }), 'excluded tag'],
  ])('ignores an order %s', async (_name, change, reason) => {
    const body = JSON.stringify(change(JSON.parse(sample('shopify/orders-paid.json'))));
    const res = await post(body, `wh-${reason}`);
    expect(res.status).toBe(200);
    expect(res.body.reason).toContain(reason);
    expect(await sqs.depth()).toBe(0);
  });
});
