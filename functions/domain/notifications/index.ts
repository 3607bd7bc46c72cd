/** Outbound vendor notifications: the signed request and the SSRF address rules. Pure. */
export { buildVendorWebhook, type VendorWebhookRequest } from './build-vendor-webhook.js';
export { isPublicAddress } from './is-public-address.js';
export { validateWebhookUrl, type ValidateWebhookUrlOptions } from './validate-webhook-url.js';
export { retryDelaySeconds, MAX_VISIBILITY_SECONDS } from './retry-delay-seconds.js';
export { notificationIdFor } from './notification-id-for.js';
