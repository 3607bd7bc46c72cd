import { createHmac } from 'node:crypto';

/**
 * The `X-Shopify-Hmac-Sha256` header Shopify would send for `payload`: base64 HMAC-SHA256 of the
 * raw body with the shared secret (what `verifyShopifyHmac` checks).
 */
export function signShopifyPayload(input: { payload: string; secret: string }): string {
  return createHmac('sha256', input.secret).update(input.payload, 'utf8').digest('base64');
}
