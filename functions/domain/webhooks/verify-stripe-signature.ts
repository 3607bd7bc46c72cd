import { createHmac } from 'node:crypto';
import { constantTimeEqual } from './constant-time-equal.js';
import { WebhookSignatureError } from './webhook-signature-error.js';

export interface VerifyStripeSignatureInput {
  /** The request body exactly as received (bytes or the undecoded string), never re-serialised JSON. */
  rawBody: string | Uint8Array;
  /** The `Stripe-Signature` header: `t=<unix seconds>,v1=<hex>[,v1=<hex>...][,v0=...]`. */
  header: string | null | undefined;
  /** The endpoint's signing secret (`whsec_...`), used as-is as the HMAC key. */
  secret: string;
  now: Date;
  /** Maximum |now - t| in seconds, both directions (replay and clock skew). @default 300 */
  toleranceSeconds?: number;
}

/**
 * Verifies a Stripe webhook signature: HMAC-SHA256 (hex) with the signing secret over
 * `${t}.${rawBody}`; any of the header's `v1` signatures may match (Stripe sends several while
 * a secret is being rolled), compared in constant time; then the timestamp must be within
 * `toleranceSeconds` of `now` in either direction. `v0` and unknown schemes are ignored.
 *
 * @returns the signed timestamp (unix seconds).
 * @throws WebhookSignatureError with reason `missing_header`, `malformed_header`,
 *   `no_signatures`, `signature_mismatch` or `timestamp_outside_tolerance`.
 */
export function verifyStripeSignature(input: VerifyStripeSignatureInput): { timestamp: number } {
  const { header, secret } = input;
  if (!header) throw new WebhookSignatureError('missing_header', 'Missing Stripe-Signature header');
  if (!secret) throw new WebhookSignatureError('invalid_secret', 'No signing secret configured');

  let timestampText: string | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && timestampText === undefined) timestampText = value;
    else if (key === 'v1') signatures.push(value);
  }
  if (timestampText === undefined || !/^\d{1,12}$/.test(timestampText)) {
    throw new WebhookSignatureError('malformed_header', 'Stripe-Signature has no valid t= timestamp');
  }
  if (signatures.length === 0) throw new WebhookSignatureError('no_signatures', 'Stripe-Signature has no v1 signature');

  const timestamp = Number(timestampText);
  const expected = createHmac('sha256', secret)
    .update(`${timestampText}.`, 'utf8')
    .update(typeof input.rawBody === 'string' ? Buffer.from(input.rawBody, 'utf8') : input.rawBody)
    .digest();
  // Every candidate is checked (no early exit) so timing does not reveal which one matched.
  let matched = false;
  for (const signature of signatures) {
    const candidate = /^[0-9a-fA-F]{64}$/.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0);
    if (constantTimeEqual(candidate, expected)) matched = true;
  }
  if (!matched) throw new WebhookSignatureError('signature_mismatch', 'No v1 signature matches the payload');

  const tolerance = input.toleranceSeconds ?? 300;
  const age = Math.floor(input.now.getTime() / 1000) - timestamp;
  if (Math.abs(age) > tolerance) {
    throw new WebhookSignatureError(
      'timestamp_outside_tolerance',
      `Stripe-Signature timestamp is ${age > 0 ? `${age}s old` : `${-age}s in the future`} (tolerance ${tolerance}s)`,
    );
  }
  return { timestamp };
}
