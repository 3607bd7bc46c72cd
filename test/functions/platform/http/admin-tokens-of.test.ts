import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createPowertoolsSecretReader } from '../../../../functions/adapters/aws/powertools-secret-reader.js';
import { platformConfigFromEnv } from '../../../../functions/platform/composition-root.js';
import { adminTokensOf } from '../../../../functions/platform/http/admin-tokens-of.js';
import { authenticate } from '../../../../functions/platform/http/authenticate.js';
import { UnauthorizedError } from '../../../../functions/platform/http/errors.js';
import type { SqlExecutor } from '../../../../functions/ports/sql-executor.js';

const secretsManager = mockClient(SecretsManagerClient);
const secretId = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/affiliate/admin-token-AbCdEf';
const rotatedAt = '2026-12-04T12:00:00.000Z';
const newToken = 'NewOperatorToken0123456789abcdefghijklmnopqrstuv';
const oldToken = 'OldOperatorToken0123456789abcdefghijklmnopqrstuv';

/** The admin-token secret right after `put-secret-value`: the new value AWSCURRENT, the old one AWSPREVIOUS. */
function rotatedSecret() {
  secretsManager.on(GetSecretValueCommand, { SecretId: secretId, VersionStage: 'AWSCURRENT' }).resolves({
    ARN: secretId,
    Name: 'prod/affiliate/admin-token',
    VersionId: 'c0ffee00-0000-4000-8000-000000000002',
    SecretString: newToken,
    VersionStages: ['AWSCURRENT'],
    CreatedDate: new Date(rotatedAt),
  });
  secretsManager.on(GetSecretValueCommand, { SecretId: secretId, VersionStage: 'AWSPREVIOUS' }).resolves({
    ARN: secretId,
    Name: 'prod/affiliate/admin-token',
    VersionId: 'c0ffee00-0000-4000-8000-000000000001',
    SecretString: oldToken,
    VersionStages: ['AWSPREVIOUS'],
    CreatedDate: new Date('2026-10-01T08:00:00.000Z'),
  });
}

/** The operator path never queries: any SQL would be a bug. */
const noSql = new Proxy({}, { get: () => () => Promise.reject(new Error('the operator token needs no SQL')) }) as unknown as SqlExecutor;

function lambdaDeps(env: Record<string, string> = {}) {
  return {
    config: platformConfigFromEnv({ AWS_LAMBDA_FUNCTION_NAME: 'prod-managementApi', ADMIN_TOKEN_SECRET_ID: secretId, ...env }),
    secretReader: createPowertoolsSecretReader({ client: new SecretsManagerClient({ region: 'eu-west-1' }) }),
  };
}

async function principalOf(token: string, adminTokens: (now: Date) => Promise<readonly string[]>, now: Date) {
  return authenticate({ event: { headers: { authorization: `Bearer ${token}` } }, sql: noSql, adminTokens, now }).catch((error: unknown) => error);
}

afterEach(() => secretsManager.reset());

describe('adminTokensOf (operator token from Secrets Manager)', () => {
  it('accepts the current token and, within the grace period after a rotation, the previous one; refuses any other', async () => {
    rotatedSecret();
    const adminTokens = adminTokensOf(lambdaDeps());
    const tenMinutesLater = new Date(Date.parse(rotatedAt) + 10 * 60_000);

    expect(await principalOf(newToken, adminTokens, tenMinutesLater)).toEqual({ kind: 'operator' });
    expect(await principalOf(oldToken, adminTokens, tenMinutesLater)).toEqual({ kind: 'operator' });
    expect(await principalOf('SomeOtherToken0123456789abcdefghijklmnopqrstuvwx', adminTokens, tenMinutesLater)).toBeInstanceOf(UnauthorizedError);
  });

  it('refuses the previous token once the grace period (900 s by default) has passed, still accepting the current one', async () => {
    rotatedSecret();
    const adminTokens = adminTokensOf(lambdaDeps());
    const lastGraceMoment = new Date(Date.parse(rotatedAt) + 899_999);
    const graceOver = new Date(Date.parse(rotatedAt) + 900_000);

    expect(await principalOf(oldToken, adminTokens, lastGraceMoment)).toEqual({ kind: 'operator' });
    expect(await principalOf(oldToken, adminTokens, graceOver)).toBeInstanceOf(UnauthorizedError);
    expect(await principalOf(newToken, adminTokens, graceOver)).toEqual({ kind: 'operator' });
  });

  it('honours ADMIN_TOKEN_GRACE_SECONDS: 0 cuts the previous token off at once (a leaked token)', async () => {
    rotatedSecret();
    const adminTokens = adminTokensOf(lambdaDeps({ ADMIN_TOKEN_GRACE_SECONDS: '0' }));
    expect(await principalOf(oldToken, adminTokens, new Date(rotatedAt))).toBeInstanceOf(UnauthorizedError);
    expect(await principalOf(newToken, adminTokens, new Date(rotatedAt))).toEqual({ kind: 'operator' });
  });

  it('accepts the only token of a never-rotated secret, reading Secrets Manager once per stage for many requests (cached)', async () => {
    secretsManager.on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' }).resolves({ SecretString: newToken, CreatedDate: new Date('2026-06-01T00:00:00Z') });
    secretsManager.on(GetSecretValueCommand, { VersionStage: 'AWSPREVIOUS' }).rejects(new ResourceNotFoundException({ message: 'no AWSPREVIOUS', $metadata: {} }));
    const adminTokens = adminTokensOf(lambdaDeps());
    for (let i = 0; i < 5; i++) expect(await principalOf(newToken, adminTokens, new Date(rotatedAt))).toEqual({ kind: 'operator' });
    expect(await principalOf('wrong', adminTokens, new Date(rotatedAt))).toBeInstanceOf(UnauthorizedError);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('ignores ADMIN_TOKEN inside Lambda (a secret value in the environment is never believed there); uses it locally', async () => {
    const inLambda = adminTokensOf({ config: platformConfigFromEnv({ AWS_LAMBDA_FUNCTION_NAME: 'prod-managementApi', ADMIN_TOKEN: 'PlainEnvToken0123456789abcdefghij' }) });
    expect(await principalOf('PlainEnvToken0123456789abcdefghij', inLambda, new Date(rotatedAt))).toBeInstanceOf(UnauthorizedError);
    const local = adminTokensOf({ config: platformConfigFromEnv({ ADMIN_TOKEN: 'PlainEnvToken0123456789abcdefghij' }) });
    expect(await principalOf('PlainEnvToken0123456789abcdefghij', local, new Date(rotatedAt))).toEqual({ kind: 'operator' });
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });
});
