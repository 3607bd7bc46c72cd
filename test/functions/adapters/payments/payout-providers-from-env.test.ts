import { describe, expect, it } from 'vitest';
import { payoutProvidersFromEnv } from '../../../../functions/adapters/payments/payout-providers-from-env.js';
import { PayoutProviderError } from '../../../../functions/ports/payout-provider.js';

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

  it('gives a silent Stripe two attempts with the same key, then a retryable timeout, inside the API Lambda (15 s)', async () => {
    const keys: (string | null)[] = [];
    // A provider that accepts the connection and never answers: only the adapter's timeout ends each attempt.
    const silent: typeof fetch = (_input, init) => {
      keys.push(new Headers(init?.headers).get('idempotency-key'));
      return new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    };
    const stripe = payoutProvidersFromEnv({ STRIPE_SECRET_KEY: 'sk_test_x' }, silent).stripe!;
    const failure = await stripe
      .send({
        payoutId: 7,
        idempotencyKey: 'payout-7-g1',
        amountCents: 1250n,
        currency: 'usd',
        destination: { providerAccountId: 'acct_1Silent', accountDetails: {} },
        description: 'Commission payout 7',
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PayoutProviderError);
    expect(failure).toMatchObject({ reason: 'timeout', retryable: true });
    expect(keys).toEqual(['payout-7-g1', 'payout-7-g1']);
  }, 20_000);
});
