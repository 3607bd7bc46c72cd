/**
 * Builds the providers the payout job may use, by `payment_providers.name`. A provider without
 * credentials is left out, so a payout to it fails loudly instead of calling an API unauthenticated.
 */
import type { PayoutProvider, PayoutProviderName } from '../../ports/payout-provider.js';
import type { FetchFn, HttpAdapterOptions } from './provider-http.js';
import { PayPalPayoutProvider } from './paypal-payout-provider.js';
import { StripePayoutProvider } from './stripe-payout-provider.js';
import { WirePayoutProvider } from './wire-payout-provider.js';

type Tuning = Omit<HttpAdapterOptions, 'fetch'>;

export function createPayoutProviders({
  fetch,
  stripe,
  paypal,
}: {
  fetch: FetchFn;
  stripe?: Tuning & { apiKey: string; apiVersion?: string };
  paypal?: Tuning & { clientId: string; clientSecret: string; emailSubject?: string };
}): Partial<Record<PayoutProviderName, PayoutProvider>> {
  return {
    wire: new WirePayoutProvider(),
    ...(stripe ? { stripe: new StripePayoutProvider({ ...stripe, fetch }) } : {}),
    ...(paypal ? { paypal: new PayPalPayoutProvider({ ...paypal, fetch }) } : {}),
  };
}
