/**
 * Provider events as Stripe and Shopify send them, end to end: signed (Stripe's own
 * `generateTestHeaderString`; Shopify's HMAC), verified and translated by the real webhook
 * handler, queued (the queue contract checked), then recorded by the real attribute-conversions
 * consumer in PGlite. Asserts what a partner and a vendor see: the conversion's value, status,
 * commission, refunded amount and the adjustments after payout.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../../functions/handlers/webhooks.js';
import { parseScaledDecimal } from '../../../functions/domain/money/index.js';
import type { PlatformDeps } from '../../../functions/platform/composition-root.js';
import { conversionQueueMessageSchema, type ConversionQueueMessage } from '../../../functions/ports/conversion-message.js';
import { insertIntegration } from '../../../functions/repositories/accounts/integrations.js';
import { buildApiEvent } from '../../support/platform/api-client.js';
import { expectBalanced } from '../../support/books/reconcile.js';
import { seedProgram, type SeededProgram } from '../../support/fixtures/seed.js';
import { checkoutSession, disputeObject, refundedCharge, refundObject, stripeEvent } from '../../../events/stripe/stripe-events.js';
import { conversionOf, startHarness, type Harness } from '../../support/platform/attribute-conversions-harness.js';
import { payOutShare } from '../../support/fixtures/payout-fixtures.js';
import { testPlatformConfig } from '../../support/platform/test-platform-config.js';

const stripe = new Stripe('sk_test_not_used');
const stripeSecret = 'whsec_provider_events_0123456789';
const shopifySecret = 'shpss_provider_events_0123456789';
/** The webhook handler's clock; signatures are stamped from it, never from the wall clock. */
const webhookNow = new Date('2024-03-19T12:00:00.000Z');
const webhookSeconds = webhookNow.getTime() / 1000;
const clickedAt = '2024-03-15T10:00:00.750Z';
const clickSeconds = Math.floor(Date.parse(clickedAt) / 1000);
const saleCreated = Date.parse('2024-03-18T10:00:00Z') / 1000;

/** An amount as exact thousandths, whatever scale the column prints ("5000.00" or "5000.000"). */
const exact = (value: string | null | undefined) => (value === null || value === undefined ? null : parseScaledDecimal(value, 3));

let h: Harness;
let queued: ConversionQueueMessage[] = [];
let handler: ReturnType<typeof createHandler>;

beforeAll(async () => {
  h = await startHarness();
  const deps = {
    config: testPlatformConfig(),
    sql: h.sql,
    dynamodb: undefined as never,
    sqs: undefined as never,
    now: () => webhookNow,
  } satisfies PlatformDeps;
  handler = createHandler(deps, {
    conversionQueue: {
      async send(messages) {
        queued.push(...messages.map((m) => conversionQueueMessageSchema.parse(m)));
      },
    },
  });
});

afterEach(async () => {
  await expectBalanced(h.sql);
});

afterAll(async () => {
  await h?.close();
});

interface Shop {
  program: SeededProgram;
  stripeId: number;
  shopifyId: number;
  clickId: string;
}

/** A shop whose campaign prices in `currency`: a sale in another currency is refused (docs/money.md). */
async function shop(currency = 'USD'): Promise<Shop> {
  const program = await seedProgram(h.sql, { partners: 1, version: { currency } });
  const click = await h.click(program.partners[0]!.links[0]!, clickedAt);
  const integration = (provider: string, secret: string) =>
    insertIntegration(h.sql, { vendor_id: program.vendorId, name: provider, config: { provider, signing_secret: secret }, campaign_id: null, now: webhookNow });
  return { program, stripeId: await integration('stripe', stripeSecret), shopifyId: await integration('shopify', shopifySecret), clickId: click.click_id };
}

/** POSTs one delivery through the webhook handler, then runs what it queued through the consumer. */
async function deliver(path: string, payload: string, headers: Record<string, string>) {
  const event = buildApiEvent('POST', path, undefined, { rawBody: payload, headers });
  const res = await handler(event);
  const body = JSON.parse(res.body ?? '{}') as { ignored?: boolean; reason?: string };
  const messages = queued;
  queued = [];
  if (messages.length > 0) expect((await h.run(messages)).batchItemFailures).toEqual([]);
  return { status: res.statusCode, body, messages };
}

const toStripe = (s: Shop, event: unknown) => {
  const payload = JSON.stringify(event);
  return deliver(`/webhooks/stripe/${s.stripeId}`, payload, {
    'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload, secret: stripeSecret, timestamp: webhookSeconds }),
  });
};

const toShopify = (s: Shop, topic: string, webhookId: string, body: unknown) => {
  const payload = JSON.stringify(body);
  return deliver(`/webhooks/shopify/${s.shopifyId}`, payload, {
    'x-shopify-hmac-sha256': createHmac('sha256', shopifySecret).update(payload, 'utf8').digest('base64'),
    'x-shopify-topic': topic,
    'x-shopify-webhook-id': webhookId,
  });
};

async function row(s: Shop, transactionId: string) {
  return conversionOf(h.sql, s.program.vendorId, transactionId);
}

async function adjustments(conversionEventId: number) {
  const { rows } = await h.sql.query<{ amount: string }>(
    `SELECT amount::text FROM commission_adjustments WHERE conversion_event_id = :id::bigint ORDER BY commission_adjustment_id`,
    { id: conversionEventId },
  );
  return rows.map((r) => exact(r.amount));
}

/** The conversion paid out to its partner by a completed payout, as the payout job would leave it. */
async function payOut(s: Shop, conversionEventId: number, amount: string) {
  await payOutShare(h.sql, { partnerId: s.program.partners[0]!.partnerId, conversionEventId, amount });
  await h.sql.query(`UPDATE conversion_events SET status = 'paid' WHERE conversion_event_id = :id::bigint`, { id: conversionEventId });
}

const sale = (s: Shop, pi: string, amount: number, currency: string, created = saleCreated, status: 'paid' | 'unpaid' = 'paid') =>
  checkoutSession({ id: `cs_${pi}`, paymentIntent: pi, amountTotal: amount, currency, paymentStatus: status, clickId: s.clickId, created });

describe('Stripe, current API version, end to end', () => {
  it('a ¥5000 sale is 5000 JPY; refund.created and the list-less charge.refunded of ¥2000 count once; the refund failing gives it back', async () => {
    const s = await shop('JPY');
    await toStripe(s, stripeEvent('checkout.session.completed', sale(s, 'pi_jpy', 5000, 'jpy'), { id: 'evt_jpy_sale', created: saleCreated }));
    let conversion = (await row(s, 'pi_jpy'))!;
    // 10 % of ¥5000.
    expect([conversion.status, exact(conversion.event_value), exact(conversion.commission_amount)]).toEqual(['pending', 5_000_000n, 500_000n]);

    const refund = (status: 'succeeded' | 'failed') =>
      refundObject({ id: 're_jpy_1', amount: 2000, currency: 'jpy', charge: 'ch_jpy', paymentIntent: 'pi_jpy', status, created: saleCreated + 3600 });
    const charge = refundedCharge({ id: 'ch_jpy', paymentIntent: 'pi_jpy', amount: 5000, amountRefunded: 2000, currency: 'jpy', created: saleCreated });
    const created = stripeEvent('refund.created', refund('succeeded'), { id: 'evt_jpy_r1', created: saleCreated + 3600 });
    const refunded = stripeEvent('charge.refunded', charge, { id: 'evt_jpy_c1', created: saleCreated + 3600 });
    for (const event of [refunded, created, refunded, created]) expect((await toStripe(s, event)).status).toBe(200);
    conversion = (await row(s, 'pi_jpy'))!;
    expect([conversion.status, exact(conversion.refunded_amount), exact(conversion.commission_amount)]).toEqual(['pending', 2_000_000n, 300_000n]);

    await toStripe(s, stripeEvent('refund.updated', refund('failed'), { id: 'evt_jpy_r2', created: saleCreated + 7200 }));
    await toStripe(s, stripeEvent('refund.failed', refund('failed'), { id: 'evt_jpy_r3', created: saleCreated + 7200 }));
    conversion = (await row(s, 'pi_jpy'))!;
    expect([conversion.status, exact(conversion.refunded_amount), exact(conversion.commission_amount)]).toEqual(['pending', 0n, 500_000n]);
  });

  it('a dispute takes the commission; closed as won it comes back, also after payout (clawback, then restored)', async () => {
    const s = await shop();
    await toStripe(s, stripeEvent('checkout.session.completed', sale(s, 'pi_dp', 10000, 'usd'), { id: 'evt_dp_sale', created: saleCreated }));
    const id = (await row(s, 'pi_dp'))!.conversion_event_id;
    await payOut(s, id, '10.00');
    const dispute = (status: 'needs_response' | 'won') =>
      disputeObject({ id: 'dp_1', charge: 'ch_dp', paymentIntent: 'pi_dp', amount: 10000, currency: 'usd', status, created: saleCreated + 86_400 });
    await toStripe(s, stripeEvent('charge.dispute.created', dispute('needs_response'), { id: 'evt_dp_1', created: saleCreated + 86_400 }));
    let conversion = (await row(s, 'pi_dp'))!;
    expect([conversion.status, exact(conversion.commission_amount)]).toEqual(['paid', 0n]);
    expect(await adjustments(id)).toEqual([-10_000n]);

    await toStripe(s, stripeEvent('charge.dispute.closed', dispute('won'), { id: 'evt_dp_2', created: saleCreated + 30 * 86_400 }));
    await toStripe(s, stripeEvent('charge.dispute.funds_reinstated', dispute('won'), { id: 'evt_dp_3', created: saleCreated + 30 * 86_400 }));
    conversion = (await row(s, 'pi_dp'))!;
    expect([conversion.status, exact(conversion.commission_amount), exact(conversion.refunded_amount)]).toEqual(['paid', 10_000n, 0n]);
    expect(await adjustments(id)).toEqual([-10_000n, 10_000n]);
  });

  it('a delayed payment: the unpaid completed session records nothing, async_payment_succeeded the sale', async () => {
    const s = await shop('EUR');
    const first = await toStripe(s, stripeEvent('checkout.session.completed', sale(s, 'pi_sepa', 4999, 'eur', saleCreated, 'unpaid'), { id: 'evt_sepa_1', created: saleCreated }));
    expect(first.body).toMatchObject({ ignored: true });
    expect(await row(s, 'pi_sepa')).toBeUndefined();
    await toStripe(s, stripeEvent('checkout.session.async_payment_succeeded', sale(s, 'pi_sepa', 4999, 'eur', saleCreated + 259_200), { id: 'evt_sepa_2', created: saleCreated + 259_200 }));
    expect(exact((await row(s, 'pi_sepa'))!.event_value)).toBe(49_990n);
  });

  it.each([
    ['1 s before the click (Stripe rounds down; two clocks)', clickSeconds - 1, true],
    ['300 s before, inside the 5-minute allowance', clickSeconds + 1 - 300, true],
    ['301 s before, outside it', clickSeconds - 301, false],
  ])('a sale naming its click, stamped %s', async (_name, created, attributed) => {
    const s = await shop();
    const pi = `pi_skew_${created}`;
    await toStripe(s, stripeEvent('checkout.session.completed', sale(s, pi, 1000, 'usd', created), { id: `evt_${pi}`, created }));
    const conversion = await row(s, pi);
    if (attributed) {
      expect(conversion?.partner_id).toBe(s.program.partners[0]!.partnerId);
    } else {
      expect(conversion).toBeUndefined();
      const { rows } = await h.sql.query<{ reason: string }>(
        `SELECT reason FROM unattributed_conversions WHERE vendor_id = :v::integer AND transaction_id = :tx`,
        { v: s.program.vendorId, tx: pi },
      );
      expect(rows.map((r) => r.reason)).toEqual(['no_click_in_window']);
    }
  });
});

describe('Shopify, as it sends orders and refunds, end to end', () => {
  const sample = (name: string) => JSON.parse(readFileSync(new URL(`../../../events/shopify/${name}`, import.meta.url), 'utf8'));
  const orderFor = (s: Shop, id: number, extra: Record<string, unknown> = {}) => ({
    ...sample('orders-paid.json'),
    id,
    note_attributes: [{ name: 'aff_click_id', value: s.clickId }],
    landing_site: null,
    processed_at: '2024-03-18T10:00:00Z',
    ...extra,
  });

  it('a zero or negative total is acknowledged and records nothing', async () => {
    const s = await shop();
    for (const [id, amount] of [[9001, '0.00'], [9002, '-15.00']] as const) {
      const money = { shop_money: { amount, currency_code: 'USD' }, presentment_money: { amount, currency_code: 'USD' } };
      const res = await toShopify(s, 'orders/paid', `wh-${id}`, orderFor(s, id, { total_price: amount, total_price_set: money }));
      expect([res.status, res.body.ignored]).toEqual([200, true]);
      expect(await row(s, String(id))).toBeUndefined();
    }
  });

  it('the sale is the shop’s money: a EUR shop paid in USD records 92.50 (EUR)', async () => {
    const s = await shop('EUR');
    const body = { ...sample('orders-paid.multi-currency.json'), id: 9010, note_attributes: [{ name: 'aff_click_id', value: s.clickId }], processed_at: '2024-03-18T10:00:00Z' };
    await toShopify(s, 'orders/paid', 'wh-9010', body);
    expect(exact((await row(s, '9010'))!.event_value)).toBe(92_500n);
  });

  it('orders/cancelled before payout rejects the commission; a refunds/create of the same order adds nothing', async () => {
    const s = await shop();
    await toShopify(s, 'orders/paid', 'wh-9020-paid', orderFor(s, 9020));
    await toShopify(s, 'refunds/create', 'wh-9020-refund', { ...sample('refunds-create.json'), order_id: 9020 });
    expect(exact((await row(s, '9020'))!.commission_amount)).toBe(7_500n); // 10 % of 99.99 - 25.00, half-up
    await toShopify(s, 'orders/cancelled', 'wh-9020-cancel', { ...sample('orders-cancelled.json'), id: 9020 });
    await toShopify(s, 'orders/cancelled', 'wh-9020-cancel-again', { ...sample('orders-cancelled.json'), id: 9020 });
    const conversion = (await row(s, '9020'))!;
    expect([conversion.status, conversion.rejection_reason, exact(conversion.commission_amount), exact(conversion.refunded_amount)]).toEqual([
      'rejected',
      'refund',
      0n,
      99_990n,
    ]);
  });

  it('orders/cancelled after payout claws the paid commission back once, netted in the next payout', async () => {
    const s = await shop();
    await toShopify(s, 'orders/paid', 'wh-9030-paid', orderFor(s, 9030));
    const id = (await row(s, '9030'))!.conversion_event_id;
    await payOut(s, id, '10.00');
    await toShopify(s, 'orders/cancelled', 'wh-9030-cancel', { ...sample('orders-cancelled.json'), id: 9030 });
    await toShopify(s, 'orders/cancelled', 'wh-9030-cancel', { ...sample('orders-cancelled.json'), id: 9030 });
    const conversion = (await row(s, '9030'))!;
    expect([conversion.status, exact(conversion.commission_amount)]).toEqual(['paid', 0n]);
    expect(await adjustments(id)).toEqual([-10_000n]);
  });
});
