/**
 * The demo signs as the providers do: what it signs, the platform's own verifiers accept, and a
 * changed byte or another secret is refused. Stripe's SDK (devDependency) agrees on the header.
 */
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { verifyShopifyHmac, verifyStripeSignature, WebhookSignatureError } from '../../../functions/domain/webhooks/index.js';
import { signShopifyPayload } from '../../../lib/demo/sign-shopify-payload.js';
import { signStripePayload } from '../../../lib/demo/sign-stripe-payload.js';

const payload = JSON.stringify({ id: 'evt_1', type: 'checkout.session.completed', note: 'café ☕' });

describe('signStripePayload', () => {
  it('is accepted by verifyStripeSignature and equals the Stripe SDK test header', () => {
    const header = signStripePayload({ payload, secret: 'whsec_demo_secret', timestamp: 1_767_225_600 });
    expect(verifyStripeSignature({ rawBody: payload, header, secret: 'whsec_demo_secret', now: new Date(1_767_225_600_000) })).toEqual({ timestamp: 1_767_225_600 });
    const sdk = new Stripe('sk_test_not_used').webhooks.generateTestHeaderString({ payload, secret: 'whsec_demo_secret', timestamp: 1_767_225_600 });
    expect(header).toBe(sdk);
  });

  it('does not verify with another secret or another body', () => {
    const header = signStripePayload({ payload, secret: 'whsec_demo_secret', timestamp: 1_767_225_600 });
    const now = new Date(1_767_225_600_000);
    expect(() => verifyStripeSignature({ rawBody: payload, header, secret: 'whsec_other_secret', now })).toThrow(WebhookSignatureError);
    expect(() => verifyStripeSignature({ rawBody: `${payload} `, header, secret: 'whsec_demo_secret', now })).toThrow(WebhookSignatureError);
  });
});

describe('signShopifyPayload', () => {
  it('is accepted by verifyShopifyHmac (base64 of the raw body HMAC)', () => {
    const header = signShopifyPayload({ payload, secret: 'shopify-demo-secret' });
    expect(header).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(() => verifyShopifyHmac({ rawBody: payload, header, secret: 'shopify-demo-secret' })).not.toThrow();
    expect(() => verifyShopifyHmac({ rawBody: payload, header, secret: 'another-secret-value' })).toThrow(WebhookSignatureError);
  });
});
