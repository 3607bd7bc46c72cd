/**
 * Webhook signature primitives (node:crypto only): inbound Stripe and Shopify verification,
 * outbound Standard Webhooks signing. Pure: time comes in as `now`.
 */
export { WebhookSignatureError, type WebhookSignatureReason } from './webhook-signature-error.js';
export { verifyStripeSignature, type VerifyStripeSignatureInput } from './verify-stripe-signature.js';
export { verifyShopifyHmac, type VerifyShopifyHmacInput } from './verify-shopify-hmac.js';
export {
  signStandardWebhook,
  verifyStandardWebhook,
  standardWebhookKey,
  formatStandardWebhookSecret,
  type StandardWebhookHeaders,
} from './standard-webhook.js';
export { constantTimeEqual } from './constant-time-equal.js';
