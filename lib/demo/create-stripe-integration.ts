import type { DemoHttp } from './demo-http.js';

/** The vendor's Stripe integration for `campaignId` through the API: the webhook endpoint Stripe signs with `signingSecret`. */
export function createStripeIntegration(
  http: DemoHttp,
  integration: { step?: string; vendorKey: string; name: string; campaignId: number; signingSecret: string },
): Promise<{ integration_id: number }> {
  return http.json<{ integration_id: number }>({
    step: integration.step ?? 'create the Stripe integration',
    method: 'POST',
    path: '/v1/integrations',
    token: integration.vendorKey,
    body: { type: 'stripe', name: integration.name, campaign_id: integration.campaignId, config: { signing_secret: integration.signingSecret } },
  });
}
