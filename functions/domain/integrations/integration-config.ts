/**
 * `integrations.config` for Stripe and Shopify webhooks. The dictionary's `type` column only
 * allows webhook/api/plugin, so the provider lives in `config.provider` and the row's type is
 * `webhook`. `signing_secret` is write-only: the API never returns it.
 */
import { z } from 'zod';

export const integrationProviders = ['stripe', 'shopify'] as const;
export type IntegrationProvider = (typeof integrationProviders)[number];

/** Config as the API accepts it (the provider comes from the request's `type`). */
export const integrationConfigSchema = z.strictObject({
  signing_secret: z.string().min(8).max(255),
  /** Shopify: the shop domain, for display and for checking `X-Shopify-Shop-Domain`. */
  shop_domain: z.string().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i, 'A *.myshopify.com domain.').optional(),
  /** Stripe: the account the endpoint belongs to (display only). */
  account_id: z.string().regex(/^acct_[A-Za-z0-9]+$/).optional(),
  /** Seconds of signature timestamp tolerance, both ways (Stripe). @default 300 */
  tolerance_seconds: z.number().int().min(1).max(3600).optional(),
});

/** The config without secrets, as the API shows it. */
export function publicIntegrationConfig(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (/secret|token|password|key$/i.test(key)) continue;
    out[key] = value;
  }
  out.signing_secret_set = typeof config.signing_secret === 'string' && config.signing_secret.length > 0;
  return out;
}
