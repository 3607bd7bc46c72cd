import { describe, it, expect } from 'vitest';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Stripe from 'stripe';
import {
  verifyShopifyHmac,
  verifyStripeSignature,
  WebhookSignatureError,
  type WebhookSignatureReason,
} from '../../../../functions/domain/webhooks/index.js';

const stripe = new Stripe('sk_test_not_a_real_key');
const secret = 'whsec_test_5f2b8c1d9e7a4b3c';
const otherSecret = 'whsec_test_other_secret_0000';
const rawBody = readFileSync(new URL('../../../../events/stripe/checkout.session.completed.json', import.meta.url), 'utf8');
const t = 1_736_937_000;
const at = (seconds: number) => new Date(seconds * 1000);
const header = (payload = rawBody, s = secret, timestamp = t) =>
  stripe.webhooks.generateTestHeaderString({ payload, secret: s, timestamp });

function reasonOf(fn: () => unknown): WebhookSignatureReason | 'ok' {
  try {
    fn();
    return 'ok';
  } catch (error) {
    if (error instanceof WebhookSignatureError) return error.reason;
    throw error;
  }
}

describe('verifyStripeSignature (headers made by the stripe package)', () => {
  it.each<[string, () => { rawBody: string | Uint8Array; header: string | undefined; now: Date; toleranceSeconds?: number }, WebhookSignatureReason | 'ok']>([
    ['a valid signature', () => ({ rawBody, header: header(), now: at(t) }), 'ok'],
    ['a valid signature over the raw bytes', () => ({ rawBody: Buffer.from(rawBody), header: header(), now: at(t) }), 'ok'],
    ['299 s old', () => ({ rawBody, header: header(), now: at(t + 299) }), 'ok'],
    ['exactly 300 s old (inclusive)', () => ({ rawBody, header: header(), now: at(t + 300) }), 'ok'],
    ['a tampered body (one digit of the amount)', () => ({ rawBody: rawBody.replace('"amount_total": 9999', '"amount_total": 1'), header: header(), now: at(t) }), 'signature_mismatch'],
    ['re-serialised JSON (whitespace changed)', () => ({ rawBody: JSON.stringify(JSON.parse(rawBody)), header: header(), now: at(t) }), 'signature_mismatch'],
    ['the wrong secret', () => ({ rawBody, header: header(rawBody, otherSecret), now: at(t) }), 'signature_mismatch'],
    ['a stale timestamp (301 s)', () => ({ rawBody, header: header(), now: at(t + 301) }), 'timestamp_outside_tolerance'],
    ['a future timestamp (301 s ahead)', () => ({ rawBody, header: header(), now: at(t - 301) }), 'timestamp_outside_tolerance'],
    ['a custom tolerance', () => ({ rawBody, header: header(), now: at(t + 61), toleranceSeconds: 60 }), 'timestamp_outside_tolerance'],
    ['a timestamp replaced in a valid header', () => ({ rawBody, header: header().replace(`t=${t}`, `t=${t + 10}`), now: at(t) }), 'signature_mismatch'],
    ['a missing header', () => ({ rawBody, header: undefined, now: at(t) }), 'missing_header'],
    ['no t=', () => ({ rawBody, header: header().replace(/t=\d+,/, ''), now: at(t) }), 'malformed_header'],
    ['no v1=', () => ({ rawBody, header: `t=${t},v0=abc`, now: at(t) }), 'no_signatures'],
    ['a non-hex v1', () => ({ rawBody, header: `t=${t},v1=zz`, now: at(t) }), 'signature_mismatch'],
  ])('%s -> %s', (_label, make, expected) => {
    expect(reasonOf(() => verifyStripeSignature({ secret, ...make() }))).toBe(expected);
  });

  it('any of several v1 signatures may match (secret roll), in any position', () => {
    const good = header().split(',').find((p) => p.startsWith('v1='))!;
    const bad = header(rawBody, otherSecret).split(',').find((p) => p.startsWith('v1='))!;
    expect(verifyStripeSignature({ rawBody, header: `t=${t},${bad},${good}`, secret, now: at(t) })).toEqual({ timestamp: t });
    expect(verifyStripeSignature({ rawBody, header: `t=${t},${good},${bad},v0=${'0'.repeat(64)}`, secret, now: at(t) })).toEqual({ timestamp: t });
    expect(reasonOf(() => verifyStripeSignature({ rawBody, header: `t=${t},${bad},${bad}`, secret, now: at(t) }))).toBe('signature_mismatch');
  });

  it('agrees with the stripe package itself on a valid event', () => {
    const h = header();
    expect(() => stripe.webhooks.constructEvent(rawBody, h, secret, 1e9)).not.toThrow();
    expect(verifyStripeSignature({ rawBody, header: h, secret, now: at(t) }).timestamp).toBe(t);
  });
});

describe('verifyShopifyHmac (independent HMAC)', () => {
  const shopifySecret = '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';
  const body = readFileSync(new URL('../../../../events/shopify/orders-paid.json', import.meta.url));
  const hmac = (payload: Buffer | string, key = shopifySecret) => createHmac('sha256', key).update(payload).digest('base64');

  it.each<[string, () => { rawBody: string | Uint8Array; header: string | undefined }, WebhookSignatureReason | 'ok']>([
    ['a valid HMAC over the raw bytes', () => ({ rawBody: body, header: hmac(body) }), 'ok'],
    ['a valid HMAC over the same body as a string', () => ({ rawBody: body.toString('utf8'), header: hmac(body) }), 'ok'],
    ['a tampered body', () => ({ rawBody: body.toString('utf8').replace('"99.99"', '"9.99"'), header: hmac(body) }), 'signature_mismatch'],
    ['the wrong secret', () => ({ rawBody: body, header: hmac(body, 'shpss_wrong') }), 'signature_mismatch'],
    ['a hex digest instead of base64', () => ({ rawBody: body, header: createHmac('sha256', shopifySecret).update(body).digest('hex') }), 'malformed_header'],
    ['a missing header', () => ({ rawBody: body, header: undefined }), 'missing_header'],
  ])('%s -> %s', (_label, make, expected) => {
    expect(reasonOf(() => verifyShopifyHmac({ secret: shopifySecret, ...make() }))).toBe(expected);
  });
});

describe('sample events', () => {
  it.each([
    ['stripe/checkout.session.completed.json', 'checkout.session.completed'],
    ['stripe/invoice.paid.json', 'invoice.paid'],
    ['stripe/charge.refunded.partial.json', 'charge.refunded'],
    ['stripe/charge.refunded.full.json', 'charge.refunded'],
    ['stripe/charge.dispute.created.json', 'charge.dispute.created'],
  ])('%s is a %s Stripe event', (file, type) => {
    const event = JSON.parse(readFileSync(new URL(`../../../../events/${file}`, import.meta.url), 'utf8'));
    expect(event).toMatchObject({ object: 'event', type });
    expect(event.id).toMatch(/^evt_/);
  });

  it('the partial and full refunds carry running totals consistent with their refund lists', () => {
    for (const file of ['charge.refunded.partial.json', 'charge.refunded.full.json']) {
      const charge = JSON.parse(readFileSync(new URL(`../../../../events/stripe/${file}`, import.meta.url), 'utf8')).data.object;
      const sum = charge.refunds.data.reduce((s: number, r: { amount: number }) => s + r.amount, 0);
      expect(sum).toBe(charge.amount_refunded);
    }
  });

  it('the Shopify order carries the click id in note attributes and the landing site', () => {
    const order = JSON.parse(readFileSync(new URL('../../../../events/shopify/orders-paid.json', import.meta.url), 'utf8'));
    const fromNote = order.note_attributes.find((a: { name: string }) => a.name === 'aff_click_id').value;
    const fromLanding = new URL(order.landing_site, 'https://shop.example.com').searchParams.get('aff_click_id');
    expect(fromNote).toBe(fromLanding);
  });
});
