/* eslint-disable @typescript-eslint/no-explicit-any -- sample events are changed field by field. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  applyEventMapping,
  conversionReceiptId,
  handledShopifyTopics,
  MalformedWebhookError,
  mappingConfigSchema,
  parseStripeEvent,
  translateShopifyWebhook,
  translateStripeEvent,
} from '../../../../functions/domain/integrations/index.js';
import { conversionQueueMessageSchema } from '../../../../functions/ports/conversion-message.js';

const integration = { integration_id: 7, vendor_id: 3 };
const load = (path: string) => JSON.parse(readFileSync(new URL(`../../../../events/${path}`, import.meta.url), 'utf8'));
const stripe = (path: string, change: (e: any) => void = () => undefined) => {
  const event = structuredClone(load(`stripe/${path}`));
  change(event);
  return translateStripeEvent({ event: parseStripeEvent(event), integration });
};

describe('translateStripeEvent', () => {
  it('links the sale, its refunds and its dispute on the payment intent', () => {
    const ids = ['checkout.session.completed.json', 'charge.refunded.partial.json', 'charge.refunded.full.json', 'charge.dispute.created.json'].flatMap((f) => {
      const t = stripe(f);
      return t.handled ? t.messages.map((m) => m.transaction_id) : [];
    });
    expect(new Set(ids)).toEqual(new Set(['pi_3QbCjzLz8xYtRq3m1F9gH8jK']));
  });

  it('every message it produces satisfies the queue contract (after the receipt is stamped)', () => {
    for (const f of ['checkout.session.completed.json', 'invoice.paid.json', 'charge.refunded.full.json', 'charge.dispute.created.json']) {
      const t = stripe(f);
      if (!t.handled) throw new Error(f);
      for (const m of t.messages) {
        const stamped = m.kind === 'conversion' ? { ...m, receipt_id: conversionReceiptId(m) } : m;
        expect(conversionQueueMessageSchema.safeParse(stamped).success, f).toBe(true);
      }
    }
  });

  it.each([
    ['an unpaid (delayed) checkout', 'checkout.session.completed.json', (e: any) => (e.data.object.payment_status = 'unpaid')],
    ['a subscription’s first invoice (its checkout counts)', 'invoice.paid.json', (e: any) => (e.data.object.billing_reason = 'subscription_create')],
    ['an invoice paid by credit (nothing paid)', 'invoice.paid.json', (e: any) => ((e.data.object.payment_intent = null), (e.data.object.amount_paid = 0))],
    ['a charge with nothing refunded and no refund listed', 'charge.refunded.partial.json', (e: any) => ((e.data.object.refunds.data = []), (e.data.object.amount_refunded = 0))],
  ])('ignores %s', (_name, file, change) => {
    expect(stripe(file, change).handled).toBe(false);
  });

  it('falls back to the session id when Stripe gives no payment intent (subscription-mode checkout)', () => {
    const t = stripe('checkout.session.completed.json', (e) => (e.data.object.payment_intent = null));
    expect(t.handled && t.messages[0]!.transaction_id).toBe('cs_test_a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwXyZ');
  });

  it.each([
    ['a float amount', (e: any) => (e.data.object.amount_total = 99.99)],
    ['a negative amount', (e: any) => (e.data.object.amount_total = -1)],
    ['an amount as a string', (e: any) => (e.data.object.amount_total = '9999')],
  ])('refuses %s as malformed', (_name, change) => {
    expect(() => stripe('checkout.session.completed.json', change)).toThrow(MalformedWebhookError);
  });

  it('a failed refund in an embedded list is kept as failed (it voids that refund in the ledger)', () => {
    const t = stripe('charge.refunded.partial.json', (e) => (e.data.object.refunds.data[0].status = 'failed'));
    expect(t.handled && t.messages.map((m) => (m.kind === 'refund' ? [m.refund_key, m.refund_status ?? null, m.cumulative ?? false] : null))).toEqual([
      ['re_3QdEm3Lz8xYtRq3m0Rs1Tu2V', 'failed', false],
      ['amount_refunded:ch_3QbCjzLz8xYtRq3m1Mn2Op3Q', null, true],
    ]);
  });

  it('a charge without a refund list (API 2022-11-15 and later) is its running total', () => {
    const t = stripe('charge.refunded.partial.json', (e) => delete e.data.object.refunds);
    expect(t.handled && t.messages).toEqual([
      expect.objectContaining({ amount: '25.00', currency: 'USD', cumulative: true, refund_key: 'amount_refunded:ch_3QbCjzLz8xYtRq3m1Mn2Op3Q' }),
    ]);
  });

  it.each([
    ['no currency', (e: any) => delete e.data.object.currency],
    ['a currency that is not ISO 4217', (e: any) => (e.data.object.currency = 'usx')],
  ])('a handled event with %s is malformed', (_name, change) => {
    expect(() => stripe('checkout.session.completed.json', change)).toThrow(MalformedWebhookError);
    expect(() => stripe('charge.refunded.partial.json', change)).toThrow(MalformedWebhookError);
    expect(() => stripe('charge.dispute.created.json', change)).toThrow(MalformedWebhookError);
  });
});

describe('translateShopifyWebhook', () => {
  const order = load('shopify/orders-paid.json');
  it('orders/create of an unpaid order is not a sale yet', () => {
    expect(translateShopifyWebhook({ topic: 'orders/create', webhookId: 'w', body: { ...order, financial_status: 'pending' }, integration }).handled).toBe(false);
  });
  it('orders/create and orders/paid of one order carry the same receipt', () => {
    const receipts = ['orders/create', 'orders/paid'].map((topic) => {
      const t = translateShopifyWebhook({ topic, webhookId: topic, body: order, integration });
      if (!t.handled || t.messages[0]!.kind !== 'conversion') throw new Error(topic);
      return conversionReceiptId(t.messages[0]!);
    });
    expect(receipts[0]).toBe(receipts[1]);
  });
  it('a refund with only a restock moves no money and is ignored; pending refund transactions do not count', () => {
    const refund = load('shopify/refunds-create.json');
    expect(translateShopifyWebhook({ topic: 'refunds/create', webhookId: 'w', body: { ...refund, transactions: [] }, integration }).handled).toBe(false);
    const two = { ...refund, transactions: [...refund.transactions, { ...refund.transactions[0], amount: '5.10' }, { ...refund.transactions[0], status: 'pending', amount: '9.00' }] };
    const t = translateShopifyWebhook({ topic: 'refunds/create', webhookId: 'w', body: two, integration });
    expect(t.handled && t.messages[0]).toMatchObject({ kind: 'refund', amount: '30.10' }); // 25.00 + 5.10
  });
  it('a float or 3-decimal price is malformed', () => {
    const priced = (amount: unknown) => ({ ...order, total_price_set: { ...order.total_price_set, shop_money: { amount, currency_code: 'USD' } } });
    expect(() => translateShopifyWebhook({ topic: 'orders/paid', webhookId: 'w', body: priced(99.99), integration })).toThrow(MalformedWebhookError);
    expect(() => translateShopifyWebhook({ topic: 'orders/paid', webhookId: 'w', body: priced('99.999'), integration })).toThrow(MalformedWebhookError);
  });
});

describe('translateShopifyWebhook: money as Shopify sends it', () => {
  const order = load('shopify/orders-paid.json');
  const shopify = (topic: string, body: unknown) => translateShopifyWebhook({ topic, webhookId: 'wh-1', body, integration });

  it('the sale is the shop’s money (total_price_set.shop_money), not the shopper’s presentment money', () => {
    const t = shopify('orders/paid', load('shopify/orders-paid.multi-currency.json'));
    expect(t.handled && t.messages[0]).toMatchObject({ kind: 'conversion', event_value: '92.50', currency: 'EUR' });
  });

  it('without total_price_set (older payloads) total_price in the order’s currency', () => {
    const { total_price_set: _set, ...older } = order;
    expect(shopify('orders/paid', older).handled && (shopify('orders/paid', older) as any).messages[0]).toMatchObject({ event_value: '99.99', currency: 'USD' });
  });

  it('a zero-decimal shop keeps its amounts whole', () => {
    const yen = { ...order, currency: 'JPY', total_price: '5000', total_price_set: { shop_money: { amount: '5000', currency_code: 'JPY' }, presentment_money: { amount: '5000', currency_code: 'JPY' } } };
    expect((shopify('orders/paid', yen) as any).messages[0]).toMatchObject({ event_value: '5000', currency: 'JPY' });
  });

  it.each([
    ['zero', '0.00'],
    ['negative', '-10.00'],
  ])('a %s total is acknowledged, not commissioned', (_name, amount) => {
    const body = { ...order, total_price: amount, total_price_set: { shop_money: { amount, currency_code: 'USD' }, presentment_money: { amount, currency_code: 'USD' } } };
    const t = shopify('orders/paid', body);
    expect(t.handled).toBe(false);
    expect(!t.handled && t.reason).toBe(`order total ${amount} USD is not a sale`);
  });

  it('orders/cancelled reverses the whole order, under one ledger entry per order', () => {
    const t = shopify('orders/cancelled', load('shopify/orders-cancelled.json'));
    expect(t.handled && t.messages).toEqual([
      {
        kind: 'refund',
        vendor_id: 3,
        source: 'shopify',
        transaction_id: '5812345678901',
        reason: 'refund',
        currency: 'USD',
        refund_key: 'orders/cancelled:5812345678901',
        occurred_at: '2025-01-16T13:02:11.000Z',
        integration_id: 7,
        provider_event_id: 'wh-1',
      },
    ]);
  });

  it('refunds/create: successful refund transactions in their currency; a negative or mixed-currency one is malformed', () => {
    const refund = load('shopify/refunds-create.json');
    const t = shopify('refunds/create', refund);
    expect(t.handled && t.messages[0]).toMatchObject({ amount: '25.00', currency: 'USD', refund_key: 'refund:921234567890' });
    expect(() => shopify('refunds/create', { ...refund, transactions: [{ ...refund.transactions[0], amount: '-25.00' }] })).toThrow(MalformedWebhookError);
    expect(() =>
      shopify('refunds/create', { ...refund, transactions: [refund.transactions[0], { ...refund.transactions[0], currency: 'EUR' }] }),
    ).toThrow(MalformedWebhookError);
  });

  it('every handled topic: orders/create, orders/paid, orders/cancelled, refunds/create', () => {
    expect([...handledShopifyTopics].sort()).toEqual(['orders/cancelled', 'orders/create', 'orders/paid', 'refunds/create']);
  });
});

describe('applyEventMapping', () => {
  const base = translateShopifyWebhook({ topic: 'orders/paid', webhookId: 'w', body: load('shopify/orders-paid.json'), integration });
  if (!base.handled) throw new Error('fixture');
  const mapping = (config: unknown) => ({ integration_event_mapping_id: 1, config: mappingConfigSchema.parse(config) });

  it('passes refunds through untouched (they must keep the sale’s transaction id)', () => {
    const refund = { kind: 'refund', vendor_id: 3, source: 'shopify', transaction_id: '1', reason: 'refund', occurred_at: '2026-01-01T00:00:00.000Z', provider_event_id: 'x' } as const;
    const out = applyEventMapping({ messages: [refund], mapping: mapping({ field_mappings: { transaction_id: '$.order_number' } }), subject: {}, tags: [] });
    expect(out).toEqual({ apply: true, messages: [refund] });
  });

  it('min_value is inclusive and compared in cents', () => {
    const at = (min: string) => applyEventMapping({ messages: base.messages, mapping: mapping({ conditions: { min_value: min } }), subject: base.mappingSubject, tags: [] }).apply;
    expect(at('99.99')).toBe(true);
    expect(at('100.00')).toBe(false);
  });

  it('a JSON-number value from the payload keeps its literal; a missing path leaves the field as translated', () => {
    const out = applyEventMapping({
      messages: base.messages,
      mapping: mapping({ field_mappings: { event_value: '$.refund_line_items[0].subtotal', customer_id: '$.nope' } }),
      subject: { refund_line_items: [{ subtotal: 25.1 }] },
      tags: [],
    });
    expect(out.apply && out.messages[0]).toMatchObject({ event_value: '25.10', customer_id: '7212345678901' });
  });
});
