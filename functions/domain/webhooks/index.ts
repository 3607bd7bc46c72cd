/**
 * Webhook signature primitives: inbound Stripe and Shopify verification (node:crypto), outbound
 * Standard Webhooks signing (the `standardwebhooks` package). Pure: time comes in as `now`.
 */
export { WebhookSignatureError, type WebhookSignatureReason } from './webhook-signature-error.js';
export { verifyStripeSignature, type VerifyStripeSignatureInput } from './verify-stripe-signature.js';
export { verifyShopifyHmac, type VerifyShopifyHmacInput } from './verify-shopify-hmac.js';
export {
  signStandardWebhook,
  formatStandardWebhookSecret,
  isUsableStandardWebhookSecret,
  MIN_SECRET_BYTES,
  MAX_SECRET_BYTES,
  type StandardWebhookHeaders,
} from './standard-webhook.js';
export { constantTimeEqual } from './constant-time-equal.js';
