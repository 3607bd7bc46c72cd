import { GetSecretValueCommand, ResourceNotFoundException, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { OriginVerifySecretVersion, OriginVerifySecretVersions, OriginVerifySecrets } from '../../ports/origin-verify-secrets.js';

export interface SecretsManagerOriginVerifySecretsOptions {
  client: SecretsManagerClient;
  /** The secret's ARN or name (the only thing the environment carries, never the value). */
  secretId: string;
  /** The clock; tests pass a fixed one. */
  now: () => Date;
  /**
   * How long a read is served from memory. A rotation reaches every warm Lambda within this
   * time, which the rotation's grace period must exceed. @default 300 (five minutes)
   */
  cacheSeconds?: number;
}

const RETRY_AFTER_FAILURE_SECONDS = 30;

async function readStage(client: SecretsManagerClient, secretId: string, stage: 'AWSCURRENT' | 'AWSPREVIOUS'): Promise<OriginVerifySecretVersion | undefined> {
  try {
    const output = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }));
    if (output.SecretString === undefined) throw new Error(`origin-verify secret ${stage} has no SecretString`);
    return { value: output.SecretString, createdAt: output.CreatedDate ?? new Date(0) };
  } catch (error) {
    // A secret never rotated has no AWSPREVIOUS version.
    if (stage === 'AWSPREVIOUS' && error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

/**
 * The origin-verify secret from Secrets Manager: AWSCURRENT and AWSPREVIOUS (what a rotation with
 * `put-secret-value` leaves behind), cached for a few minutes so the redirect's budget stays one
 * DynamoDB read and write. A failed refresh keeps serving the last good read (the value was valid
 * minutes ago; dropping to "unverified" would blank every click's country) and is retried on the
 * next call; with nothing read yet, the error propagates and the caller treats the request as
 * unverified.
 */
export function createSecretsManagerOriginVerifySecrets({
  client,
  secretId,
  now,
  cacheSeconds = 300,
}: SecretsManagerOriginVerifySecretsOptions): OriginVerifySecrets {
  let cached: { versions: OriginVerifySecretVersions; expiresAt: number } | undefined;
  let inFlight: Promise<OriginVerifySecretVersions> | undefined;

  async function load(): Promise<OriginVerifySecretVersions> {
    const [current, previous] = await Promise.all([readStage(client, secretId, 'AWSCURRENT'), readStage(client, secretId, 'AWSPREVIOUS')]);
    if (!current) throw new Error('origin-verify secret has no AWSCURRENT version');
    const versions = previous ? { current, previous } : { current };
    cached = { versions, expiresAt: now().getTime() + cacheSeconds * 1000 };
    return versions;
  }

  return {
    async read() {
      if (cached && cached.expiresAt > now().getTime()) return cached.versions;
      inFlight ??= load().finally(() => {
        inFlight = undefined;
      });
      try {
        return await inFlight;
      } catch (error) {
        if (!cached) throw error;
        // Retry after a short pause rather than on every click while Secrets Manager is failing.
        cached.expiresAt = now().getTime() + Math.min(cacheSeconds, RETRY_AFTER_FAILURE_SECONDS) * 1000;
        return cached.versions;
      }
    },
  };
}
