import { Webhook } from 'standardwebhooks';
import { WebhookSignatureError } from './webhook-signature-error.js';

const SECRET_PREFIX = 'whsec_';
/** The key sizes we issue: Standard Webhooks asks for 24 to 64 random bytes. */
export const MIN_SECRET_BYTES = 24;
export const MAX_SECRET_BYTES = 64;

/** Headers of an outbound Standard Webhooks delivery. */
export interface StandardWebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * Formats key bytes (24-64 random bytes from the caller) as a `whsec_` secret: the prefix and
 * STANDARD base64 with padding, the only alphabet the reference libraries decode (a base64url
 * secret makes `new Webhook(secret)` throw on the vendor's side and ours).
 */
export function formatStandardWebhookSecret(key: Uint8Array): string {
  if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
    throw new RangeError(`A webhook secret needs ${MIN_SECRET_BYTES}-${MAX_SECRET_BYTES} key bytes, got ${key.length}`);
  }
  return `${SECRET_PREFIX}${Buffer.from(key).toString('base64')}`;
}

/**
 * The `standardwebhooks` signer for a secret, or a typed error when the library refuses the
 * secret (not base64, bad padding, empty): such a secret can sign nothing, for us or the vendor.
 * @throws WebhookSignatureError `invalid_secret`
 */
function webhookFor(secret: string): Webhook {
  try {
    return new Webhook(secret);
  } catch (cause) {
    throw new WebhookSignatureError('invalid_secret', `Webhook secret is not whsec_<standard base64>: ${(cause as Error).message}`);
  }
}

/** True when the `standardwebhooks` library accepts the secret (what a vendor's verifier does first). */
export function isUsableStandardWebhookSecret(secret: string): boolean {
  try {
    webhookFor(secret);
    return true;
  } catch {
    return false;
  }
}

/**
 * Signs an outbound webhook with the `standardwebhooks` package itself (the library vendors
 * verify with), so what we send is by construction what their verifier recomputes:
 * `webhook-signature` = `v1,<base64 HMAC-SHA256(key, "${id}.${timestamp}.${body}")>`. Send `body`
 * byte for byte as signed. Reuse the same `id` on retries so the receiver can dedupe; the
 * timestamp is the attempt's (unix seconds or a Date), given by the caller.
 * @throws WebhookSignatureError `invalid_secret` when the secret cannot sign.
 */
export function signStandardWebhook(input: { id: string; timestamp: Date | number; body: string; secret: string }): StandardWebhookHeaders {
  const seconds = typeof input.timestamp === 'number' ? Math.floor(input.timestamp) : Math.floor(input.timestamp.getTime() / 1000);
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(seconds),
    'webhook-signature': webhookFor(input.secret).sign(input.id, new Date(seconds * 1000), input.body),
  };
}
