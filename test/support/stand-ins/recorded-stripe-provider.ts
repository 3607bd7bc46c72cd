import { StripePayoutProvider } from '../../../functions/adapters/payments/stripe-payout-provider.js';
import type { FetchFn } from '../../../functions/adapters/payments/provider-http.js';

/** The real Stripe payout adapter over `fetch` (a `replayFetch` of Stripe's recorded responses), with no retries. */
export function recordedStripeProvider(fetch: FetchFn): StripePayoutProvider {
  return new StripePayoutProvider({ fetch, baseUrl: 'https://api.stripe.test', apiKey: 'sk_test_recorded', retries: 0, retryMinDelayMs: 0 });
}
