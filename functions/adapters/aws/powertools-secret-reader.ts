import { GetSecretValueCommand, ResourceNotFoundException, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretReader, SecretVersion } from '../../ports/secret-reader.js';

type Stage = 'AWSCURRENT' | 'AWSPREVIOUS';

/**
 * Powertools' SecretsProvider returns only the value; the rotation grace period needs when the
 * current value was created too, so this provider caches `{ value, createdAt }` (as JSON, which
 * Powertools' `json` transform parses). "No such stage" is cached as `{}` rather than asked again
 * on every request.
 */
class StagedSecretsProvider extends SecretsProvider {
  readonly #client: SecretsManagerClient;
  readonly #stage: Stage;

  constructor(client: SecretsManagerClient, stage: Stage) {
    super({ awsSdkV3Client: client });
    this.#client = client;
    this.#stage = stage;
  }

  protected override async _get(name: string): Promise<string> {
    try {
      const output = await this.#client.send(new GetSecretValueCommand({ SecretId: name, VersionStage: this.#stage }));
      if (output.SecretString === undefined || output.SecretString === '') return '{}';
      return JSON.stringify({ value: output.SecretString, createdAt: (output.CreatedDate ?? new Date(0)).toISOString() });
    } catch (error) {
      // A secret never rotated has no AWSPREVIOUS version.
      if (this.#stage === 'AWSPREVIOUS' && error instanceof ResourceNotFoundException) return '{}';
      throw error;
    }
  }
}

export interface PowertoolsSecretReaderOptions {
  /** A client with timeouts; tests pass one mocked with aws-sdk-client-mock. */
  client: SecretsManagerClient;
  /**
   * How long a read is served from memory. A rotation reaches every warm Lambda within this time,
   * which the rotation's grace period must exceed. @default 300 (five minutes)
   */
  maxAgeSeconds?: number;
}

/**
 * Secrets from Secrets Manager through Powertools Parameters, cached `maxAgeSeconds` per secret
 * and stage (one provider per stage: Powertools' cache key is the name, not the SDK options).
 */
export function createPowertoolsSecretReader({ client, maxAgeSeconds = 300 }: PowertoolsSecretReaderOptions): SecretReader {
  const providers = { AWSCURRENT: new StagedSecretsProvider(client, 'AWSCURRENT'), AWSPREVIOUS: new StagedSecretsProvider(client, 'AWSPREVIOUS') };
  async function read(secretId: string, stage: Stage): Promise<SecretVersion | undefined> {
    const stored = (await providers[stage].get(secretId, { maxAge: maxAgeSeconds, transform: 'json' })) as { value?: string; createdAt?: string } | undefined;
    if (!stored?.value) return undefined;
    return { value: stored.value, createdAt: new Date(stored.createdAt ?? 0) };
  }
  return {
    current: (secretId) => read(secretId, 'AWSCURRENT'),
    previous: (secretId) => read(secretId, 'AWSPREVIOUS'),
  };
}

/** Secrets Manager is asked once per few minutes per secret: short timeouts, inside an API request's budget. */
export const secretReaderClientConfig = {
  maxAttempts: 2,
  requestHandler: { connectionTimeout: 500, requestTimeout: 2_000, throwOnRequestTimeout: true },
} as const;
