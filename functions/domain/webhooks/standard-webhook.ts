import { createHmac } from 'node:crypto';
import { constantTimeEqual } from './constant-time-equal.js';
import { WebhookSignatureError } from './webhook-signature-error.js';

const SECRET_PREFIX = 'whsec_';

/** Headers of an outbound Standard Webhooks delivery. */
export interface StandardWebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * The HMAC key of a Standard Webhooks secret: `whsec_` followed by base64 of the key bytes
 * (the prefix is optional, as in the reference libraries).
 * @throws WebhookSignatureError `invalid_secret` when the rest is not base64 or is empty.
 */
export function standardWebhookKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) {
    throw new WebhookSignatureError('invalid_secret', 'Webhook secret is not whsec_<base64>');
  }
  return Buffer.from(encoded, 'base64');
}

/** Formats key bytes (24-64 random bytes from the caller) as a `whsec_` secret. */
export function formatStandardWebhookSecret(key: Uint8Array): string {
  return `${SECRET_PREFIX}${Buffer.from(key).toString('base64')}`;
}

function sign(key: Buffer, id: string, timestamp: number, body: string): string {
  return createHmac('sha256', key).update(`${id}.${timestamp}.${body}`, 'utf8').digest('base64');
}

function toSeconds(timestamp: Date | number): number {
  return typeof timestamp === 'number' ? Math.floor(timestamp) : Math.floor(timestamp.getTime() / 1000);
}

/**
 * Signs an outbound webhook per Standard Webhooks: `webhook-signature` is
 * `v1,<base64 HMAC-SHA256(key, "${id}.${timestamp}.${body}")>` with the key decoded from the
 * `whsec_` secret. Send `body` byte for byte as signed. Reuse the same `id` on retries so the
 * receiver can dedupe; the timestamp is the attempt's (unix seconds, or a Date).
 */
export function signStandardWebhook(input: {
  id: string;
  timestamp: Date | number;
  body: string;
  secret: string;
}): StandardWebhookHeaders {
  const timestamp = toSeconds(input.timestamp);
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': `v1,${sign(standardWebhookKey(input.secret), input.id, timestamp, input.body)}`,
  };
}

/**
 * Verifies a Standard Webhooks delivery (for tests and receivers): any space-separated `v1,`
 * signature may match, constant time; timestamp within `toleranceSeconds` of `now` both ways.
 * Header names are matched case-insensitively.
 * @throws WebhookSignatureError
 */
export function verifyStandardWebhook(input: {
  headers: Record<string, string | undefined>;
  body: string;
  secret: string;
  now: Date;
  toleranceSeconds?: number;
}): { id: string; timestamp: number } {
  const get = (name: string) => Object.entries(input.headers).find(([k]) => k.toLowerCase() === name)?.[1];
  const id = get('webhook-id');
  const timestampText = get('webhook-timestamp');
  const signatureHeader = get('webhook-signature');
  if (!id || !timestampText || !signatureHeader) {
    throw new WebhookSignatureError('missing_header', 'Missing webhook-id, webhook-timestamp or webhook-signature');
  }
  if (!/^\d{1,12}$/.test(timestampText)) throw new WebhookSignatureError('malformed_header', 'Bad webhook-timestamp');
  const timestamp = Number(timestampText);
  const expected = Buffer.from(sign(standardWebhookKey(input.secret), id, timestamp, input.body), 'base64');
  const candidates = signatureHeader
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => s.slice(3));
  if (candidates.length === 0) throw new WebhookSignatureError('no_signatures', 'No v1 signature');
  let matched = false;
  for (const candidate of candidates) {
    if (constantTimeEqual(Buffer.from(candidate, 'base64'), expected)) matched = true;
  }
  if (!matched) throw new WebhookSignatureError('signature_mismatch', 'No v1 signature matches the payload');
  const age = Math.floor(input.now.getTime() / 1000) - timestamp;
  if (Math.abs(age) > (input.toleranceSeconds ?? 300)) {
    throw new WebhookSignatureError('timestamp_outside_tolerance', 'webhook-timestamp outside tolerance');
  }
  return { id, timestamp };
}
