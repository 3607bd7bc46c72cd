/**
 * Builds the payout providers a deployment is configured for. Wire (manual) always exists; Stripe
 * and PayPal exist only when their credentials are set, so a payout to an unconfigured provider
 * fails with a clear reason instead of a network error. Credentials in the environment are the
 * local runner's way; on AWS the CDK app sets none and `payoutProvidersFromSecrets` reads them from
 * Secrets Manager at run time.
 */
import * as z from 'zod/mini';
import type { PayoutProvider, PayoutProviderName } from '../../ports/payout-provider.js';
import { createPayoutProviders } from './create-payout-providers.js';

export type PayoutProviders = Partial<Record<PayoutProviderName, PayoutProvider>>;

const optional = z.optional(z.string().check(z.minLength(1)));
const payoutEnvironmentSchema = z.object({
  STRIPE_SECRET_KEY: optional,
  STRIPE_API_BASE_URL: z.optional(z.url()),
  PAYPAL_CLIENT_ID: optional,
  PAYPAL_CLIENT_SECRET: optional,
  PAYPAL_API_BASE_URL: z.optional(z.url()),
});

/**
 * Providers are called inside the management API's request (operator approve/retry, 15 s Lambda
 * timeout): two attempts of at most 2.5 s each keep even PayPal's token + batch exchange inside
 * it. A provider still silent after that leaves the payout `processing` with its idempotency key,
 * and the operator's retry re-sends the same key, so nothing is lost by giving up early.
 */
export const withinApiTimeout = { timeoutMs: 2_500, retries: 1, retryMinDelayMs: 250, retryMaxDelayMs: 500 } as const;

export function payoutProvidersFromEnv(env: NodeJS.ProcessEnv, fetchFn: typeof fetch = fetch): PayoutProviders {
  const parsed = payoutEnvironmentSchema.parse(env);
  return createPayoutProviders({
    fetch: (input, init) => fetchFn(input, init),
    ...(parsed.STRIPE_SECRET_KEY
      ? { stripe: { ...withinApiTimeout, apiKey: parsed.STRIPE_SECRET_KEY, ...(parsed.STRIPE_API_BASE_URL ? { baseUrl: parsed.STRIPE_API_BASE_URL } : {}) } }
      : {}),
    ...(parsed.PAYPAL_CLIENT_ID && parsed.PAYPAL_CLIENT_SECRET
      ? {
          paypal: {
            ...withinApiTimeout,
            clientId: parsed.PAYPAL_CLIENT_ID,
            clientSecret: parsed.PAYPAL_CLIENT_SECRET,
            ...(parsed.PAYPAL_API_BASE_URL ? { baseUrl: parsed.PAYPAL_API_BASE_URL } : {}),
          },
        }
      : {}),
  });
}
