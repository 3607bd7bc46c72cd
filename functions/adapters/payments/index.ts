export { StripePayoutProvider, type StripePayoutProviderOptions } from './stripe-payout-provider.js';
export { PayPalPayoutProvider, type PayPalPayoutProviderOptions } from './paypal-payout-provider.js';
export { WirePayoutProvider } from './wire-payout-provider.js';
export { createPayoutProviders } from './create-payout-providers.js';
export type { FetchFn, HttpAdapterOptions } from './provider-http.js';
