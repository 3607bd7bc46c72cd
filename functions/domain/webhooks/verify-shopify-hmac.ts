import { createHmac } from 'node:crypto';
import { constantTimeEqual } from './constant-time-equal.js';
import { WebhookSignatureError } from './webhook-signature-error.js';

export interface VerifyShopifyHmacInput {
  /** The request body exactly as received. */
  rawBody: string | Uint8Array;
  /** The `X-Shopify-Hmac-Sha256` header: base64 of HMAC-SHA256(secret, rawBody). */
  header: string | null | undefined;
  /** The app's client secret / webhook signing secret. */
  secret: string;
}

/**
 * Verifies a Shopify webhook: base64 HMAC-SHA256 of the raw body with the shared secret,
 * compared in constant time. Shopify signs no timestamp, so replays are stopped by deduping
 * on `X-Shopify-Webhook-Id` instead.
 *
 * @throws WebhookSignatureError with reason `missing_header`, `malformed_header` or
 *   `signature_mismatch`.
 */
export function verifyShopifyHmac(input: VerifyShopifyHmacInput): void {
  const header = input.header?.trim();
  if (!header) throw new WebhookSignatureError('missing_header', 'Missing X-Shopify-Hmac-Sha256 header');
  if (!input.secret) throw new WebhookSignatureError('invalid_secret', 'No signing secret configured');
  if (!/^[A-Za-z0-9+/]{43}=$/.test(header)) {
    throw new WebhookSignatureError('malformed_header', 'X-Shopify-Hmac-Sha256 is not a base64 SHA-256 digest');
  }
  const expected = createHmac('sha256', input.secret)
    .update(typeof input.rawBody === 'string' ? Buffer.from(input.rawBody, 'utf8') : input.rawBody)
    .digest();
  if (!constantTimeEqual(Buffer.from(header, 'base64'), expected)) {
    throw new WebhookSignatureError('signature_mismatch', 'X-Shopify-Hmac-Sha256 does not match the payload');
  }
}
