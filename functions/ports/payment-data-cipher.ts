/**
 * Envelope encryption of partners' payment details. A fresh 256-bit data key per sealed record
 * encrypts the details (AES-256-GCM); the data key itself is stored only wrapped by a key
 * encryption key that never leaves its home: a KMS key on AWS, a local key file under `DATA_DIR`
 * on one machine. Only the payout send opens a record (docs/payment-data.md).
 */

/** Where data keys come from and are unwrapped: KMS GenerateDataKey/Decrypt, or the local key file. */
export interface DataKeyProvider {
  /** `kms` or `local`: recorded in each sealed record so the right provider opens it. */
  readonly kind: 'kms' | 'local';
  /**
   * A new 256-bit data key: the plaintext (use once, then drop) and its wrapped form. `context`
   * is bound to the wrapping (KMS encryption context / GCM additional data): the same context
   * is needed to unwrap it.
   */
  generateDataKey(context: Record<string, string>): Promise<{ plaintext: Uint8Array; wrapped: Uint8Array; keyId: string }>;
  /** The plaintext of a wrapped data key. @throws when the key or the context does not match. */
  unwrapDataKey(input: { wrapped: Uint8Array; keyId: string; context: Record<string, string> }): Promise<Uint8Array>;
}

/** What `partner_payment_methods.account_details_encrypted` holds (JSONB; binary fields base64). */
export interface SealedRecord {
  /** Format version. */
  v: 1;
  alg: 'AES-256-GCM';
  kek: 'kms' | 'local';
  /** The KMS key ARN, or `local:<key file fingerprint>`. */
  key_id: string;
  wrapped_key: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

export interface PaymentDataCipher {
  /** Encrypts `details` under a new data key; `context` (e.g. the partner id) is authenticated. */
  seal(details: Record<string, unknown>, context: Record<string, string>): Promise<SealedRecord>;
  /** Decrypts a sealed record. @throws PaymentDataDecryptionError on a wrong key, context or a tampered record. */
  open(sealed: SealedRecord, context: Record<string, string>): Promise<Record<string, unknown>>;
}

export class PaymentDataDecryptionError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'PaymentDataDecryptionError';
  }
}
