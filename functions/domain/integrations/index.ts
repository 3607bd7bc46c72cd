/** Stripe/Shopify payloads and integration event mappings to conversion-queue messages. Pure. */
export { MalformedWebhookError } from './malformed-webhook-error.js';
export type { IntegrationContext, WebhookTranslation } from './types.js';
export { parseStripeEvent, translateStripeEvent, handledStripeEventTypes, type StripeEvent } from './translate-stripe-event.js';
export { translateShopifyWebhook, handledShopifyTopics } from './translate-shopify-webhook.js';
export { mappingConfigSchema, mappableFields, isSafeJsonPath, type MappingConfig } from './mapping-config-schema.js';
export { applyEventMapping, type ResolvedMapping, type MappingOutcome } from './apply-event-mapping.js';
export { conversionReceiptId } from './conversion-receipt-id.js';
export { integrationConfigSchema, publicIntegrationConfig, integrationProviders, type IntegrationProvider } from './integration-config.js';
