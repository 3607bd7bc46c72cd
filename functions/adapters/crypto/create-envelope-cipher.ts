/**
 * AES-256-GCM envelope encryption over a `DataKeyProvider` (node:crypto only). Each seal asks the
 * provider for a new data key, so no two records share one and a leaked data key opens one record.
 * The context (e.g. `{ partner_id }`) is GCM additional data and the KMS encryption context: a
 * sealed record copied onto another partner's row does not open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  PaymentDataDecryptionError,
  type DataKeyProvider,
  type PaymentDataCipher,
  type SealedRecord,
} from '../../ports/payment-data-cipher.js';

/** Canonical bytes of a context: keys sorted, so `{a,b}` and `{b,a}` authenticate the same. */
export function contextBytes(context: Record<string, string>): Buffer {
  return Buffer.from(JSON.stringify(Object.keys(context).sort().map((key) => [key, context[key]])), 'utf8');
}

export function createEnvelopeCipher(keys: DataKeyProvider): PaymentDataCipher {
  return {
    async seal(details, context) {
      const { plaintext, wrapped, keyId } = await keys.generateDataKey(context);
      const iv = randomBytes(12);
      try {
        const cipher = createCipheriv('aes-256-gcm', plaintext, iv);
        cipher.setAAD(contextBytes(context));
        const ciphertext = Buffer.concat([cipher.update(JSON.stringify(details), 'utf8'), cipher.final()]);
        return {
          v: 1,
          alg: 'AES-256-GCM',
          kek: keys.kind,
          key_id: keyId,
          wrapped_key: Buffer.from(wrapped).toString('base64'),
          iv: iv.toString('base64'),
          tag: cipher.getAuthTag().toString('base64'),
          ciphertext: ciphertext.toString('base64'),
        };
      } finally {
        plaintext.fill(0);
      }
    },

    async open(sealed: SealedRecord, context) {
      if (sealed?.v !== 1 || sealed.alg !== 'AES-256-GCM') throw new PaymentDataDecryptionError('Unknown sealed record format');
      if (sealed.kek !== keys.kind) throw new PaymentDataDecryptionError(`Sealed under a ${sealed.kek} key; this deployment has a ${keys.kind} key`);
      let dataKey: Uint8Array;
      try {
        dataKey = await keys.unwrapDataKey({ wrapped: Buffer.from(sealed.wrapped_key, 'base64'), keyId: sealed.key_id, context });
      } catch (cause) {
        throw new PaymentDataDecryptionError('The data key could not be unwrapped (wrong key or context)', { cause });
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(sealed.iv, 'base64'));
        decipher.setAAD(contextBytes(context));
        decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
        const plaintext = Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]);
        return JSON.parse(plaintext.toString('utf8')) as Record<string, unknown>;
      } catch (cause) {
        throw new PaymentDataDecryptionError('The sealed record does not authenticate (tampered, or another context)', { cause });
      } finally {
        dataKey.fill(0);
      }
    },
  };
}
