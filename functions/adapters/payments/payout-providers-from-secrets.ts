/**
 * The Stripe and PayPal providers of a deployment whose credentials live in Secrets Manager (the
 * environment carries only the secrets' ARNs). Each secret is read when a payout is sent (cached
 * by the reader), so an operator enables a provider by filling its secret, and rotates its
 * credentials, without a redeploy. A secret still holding the placeholder `{}` leaves the
 * provider unconfigured: the payout fails with that reason, nothing is sent.
 */
import * as z from 'zod/mini';
import {
  PayoutProviderError,
  type PayoutProvider,
  type PayoutProviderName,
  type PayoutSendRequest,
  type PayoutSendResult,
} from '../../ports/payout-provider.js';
import type { SecretReader } from '../../ports/secret-reader.js';
import type { PayoutProviders } from './payout-providers-from-env.js';
import { withinApiTimeout } from './payout-providers-from-env.js';
import { PayPalPayoutProvider } from './paypal-payout-provider.js';
import { StripePayoutProvider } from './stripe-payout-provider.js';

const nonEmpty = z.string().check(z.minLength(1));
/** The documented shapes of the secrets (docs/operations.md, "Secrets"). */
const stripeSecretSchema = z.object({ secret_key: nonEmpty, api_base_url: z.optional(z.url()) });
const paypalSecretSchema = z.object({ client_id: nonEmpty, client_secret: nonEmpty, api_base_url: z.optional(z.url()) });

function notConfigured(provider: PayoutProviderName, why: string): PayoutProviderError {
  return new PayoutProviderError({ provider, reason: 'authentication', retryable: false, outcome: 'not_paid', message: `Provider ${provider} is not configured: ${why}` });
}

/** Reads `secretId` and builds the provider from it; the same secret value reuses the same provider (PayPal keeps its OAuth token). */
function providerFromSecret<T>({
  name,
  secrets,
  secretId,
  schema,
  build,
}: {
  name: PayoutProviderName;
  secrets: SecretReader;
  secretId: string;
  schema: z.ZodMiniType<T>;
  build: (credentials: T) => PayoutProvider;
}): () => Promise<PayoutProvider> {
  let built: { secret: string; provider: PayoutProvider } | undefined;
  return async () => {
    const secret = await secrets.current(secretId);
    if (!secret) throw notConfigured(name, `its secret ${secretId} has no value`);
    if (built?.secret === secret.value) return built.provider;
    let json: unknown;
    try {
      json = JSON.parse(secret.value);
    } catch {
      throw notConfigured(name, `its secret ${secretId} is not JSON`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      // Field names only: the message is stored with the payout and must never carry a credential.
      const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))].join(', ');
      throw notConfigured(name, `its secret ${secretId} lacks or has a malformed ${fields}`);
    }
    built = { secret: secret.value, provider: build(parsed.data) };
    return built.provider;
  };
}

export function payoutProvidersFromSecrets({
  secrets,
  stripeSecretId,
  paypalSecretId,
  fetchFn = fetch,
}: {
  secrets: SecretReader;
  stripeSecretId?: string;
  paypalSecretId?: string;
  fetchFn?: typeof fetch;
}): PayoutProviders {
  const providers: PayoutProviders = {};
  const fetchThrough: typeof fetch = (input, init) => fetchFn(input, init);
  if (stripeSecretId) {
    const stripe = providerFromSecret({
      name: 'stripe',
      secrets,
      secretId: stripeSecretId,
      schema: stripeSecretSchema,
      build: (c) => new StripePayoutProvider({ ...withinApiTimeout, fetch: fetchThrough, apiKey: c.secret_key, ...(c.api_base_url ? { baseUrl: c.api_base_url } : {}) }),
    });
    providers.stripe = {
      name: 'stripe',
      send: async (request: PayoutSendRequest): Promise<PayoutSendResult> => (await stripe()).send(request),
    };
  }
  if (paypalSecretId) {
    const paypal = providerFromSecret({
      name: 'paypal',
      secrets,
      secretId: paypalSecretId,
      schema: paypalSecretSchema,
      build: (c) =>
        new PayPalPayoutProvider({
          ...withinApiTimeout,
          fetch: fetchThrough,
          clientId: c.client_id,
          clientSecret: c.client_secret,
          ...(c.api_base_url ? { baseUrl: c.api_base_url } : {}),
        }),
    });
    providers.paypal = {
      name: 'paypal',
      send: async (request) => (await paypal()).send(request),
      getStatus: async (request) => {
        const provider = await paypal();
        if (!provider.getStatus) throw notConfigured('paypal', 'the adapter cannot poll');
        return provider.getStatus(request);
      },
    };
  }
  return providers;
}
