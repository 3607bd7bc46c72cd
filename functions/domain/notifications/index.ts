/** Outbound vendor notifications: the signed request and the SSRF address rule. Pure. */
export { buildVendorWebhook, type VendorWebhookRequest } from './build-vendor-webhook.js';
export { isPublicAddress } from './is-public-address.js';
