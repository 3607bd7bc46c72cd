/** Why a webhook signature was refused; handlers answer 400 and enqueue nothing. */
export type WebhookSignatureReason =
  | 'missing_header'
  | 'malformed_header'
  | 'no_signatures'
  | 'signature_mismatch'
  | 'timestamp_outside_tolerance'
  | 'invalid_secret';

/** A refused webhook signature, with a machine-readable `reason` (safe to log: no secrets). */
export class WebhookSignatureError extends Error {
  constructor(
    readonly reason: WebhookSignatureReason,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookSignatureError';
  }
}
