/**
 * Data keys from AWS KMS: GenerateDataKey (AES_256) under the payment-data key, Decrypt to
 * unwrap. The context is the KMS encryption context, so CloudTrail logs which partner's record
 * each Decrypt opened, and IAM can condition on it.
 */
import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { DataKeyProvider } from '../../ports/payment-data-cipher.js';

export function createKmsDataKeyProvider({ client, keyId }: { client: KMSClient; keyId: string }): DataKeyProvider {
  return {
    kind: 'kms',
    async generateDataKey(context) {
      const answer = await client.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: context }));
      if (!answer.Plaintext || !answer.CiphertextBlob) throw new Error('KMS GenerateDataKey answered without a key');
      return { plaintext: answer.Plaintext, wrapped: answer.CiphertextBlob, keyId: answer.KeyId ?? keyId };
    },
    async unwrapDataKey({ wrapped, keyId, context }) {
      // KeyId pins the key: a record cannot make us decrypt under some other key the role may use.
      const answer = await client.send(new DecryptCommand({ CiphertextBlob: wrapped, KeyId: keyId, EncryptionContext: context }));
      if (!answer.Plaintext) throw new Error('KMS Decrypt answered without a plaintext');
      return answer.Plaintext;
    },
  };
}
