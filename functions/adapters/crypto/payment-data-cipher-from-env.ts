/**
 * The payment-data cipher of a Lambda: KMS under `PAYMENT_DATA_KEY_ARN`, which the CDK app sets
 * only on the functions it grants the key to (lib/stacks). Absent variable: no cipher, and the
 * routes that need one answer 500 rather than store details in clear. The local runner builds
 * its own over the key file under DATA_DIR (lib/local/start-local-platform.ts).
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { envVars } from '../../../lib/resources.js';
import type { PaymentDataCipher } from '../../ports/payment-data-cipher.js';
import { createEnvelopeCipher } from './create-envelope-cipher.js';
import { createKmsDataKeyProvider } from './create-kms-data-key-provider.js';

export function paymentDataCipherFromEnv(env: NodeJS.ProcessEnv, client?: KMSClient): PaymentDataCipher | undefined {
  const keyId = env[envVars.paymentDataKeyArn];
  if (!keyId) return undefined;
  return createEnvelopeCipher(createKmsDataKeyProvider({ client: client ?? new KMSClient({}), keyId }));
}
