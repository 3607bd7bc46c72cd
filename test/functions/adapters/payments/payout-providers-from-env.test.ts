import { describe, expect, it } from 'vitest';
import { payoutProvidersFromEnv } from '../../../../functions/adapters/payments/payout-providers-from-env.js';

describe('payoutProvidersFromEnv', () => {
  it('offers wire alone when no provider credentials are set', () => {
    expect(Object.keys(payoutProvidersFromEnv({}))).toEqual(['wire']);
  });

  it('adds Stripe and PayPal only with their credentials', () => {
    const providers = payoutProvidersFromEnv({ STRIPE_SECRET_KEY: 'sk_test_x', PAYPAL_CLIENT_ID: 'id' });
    expect(Object.keys(providers).sort()).toEqual(['stripe', 'wire']);
    const both = payoutProvidersFromEnv({ STRIPE_SECRET_KEY: 'sk_test_x', PAYPAL_CLIENT_ID: 'id', PAYPAL_CLIENT_SECRET: 'secret' });
    expect(Object.keys(both).sort()).toEqual(['paypal', 'stripe', 'wire']);
  });

  it('names a malformed base URL', () => {
    expect(() => payoutProvidersFromEnv({ STRIPE_SECRET_KEY: 'sk', STRIPE_API_BASE_URL: 'not a url' })).toThrow('STRIPE_API_BASE_URL');
  });
});
