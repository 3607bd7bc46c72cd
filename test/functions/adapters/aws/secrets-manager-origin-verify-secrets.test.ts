import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { noPreviousVersion, secretVersionResponse } from '../../../support/fixtures/secrets-manager-responses.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createSecretsManagerOriginVerifySecrets } from '../../../../functions/adapters/aws/secrets-manager-origin-verify-secrets.js';

const secretsManager = mockClient(SecretsManagerClient);
const secretId = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/affiliate/origin-verify-AbCdEf';

const version = (stage: 'AWSCURRENT' | 'AWSPREVIOUS', value: string, createdAt: string) => secretVersionResponse(secretId, stage, value, createdAt);

const noPrevious = noPreviousVersion;

let nowMs = Date.parse('2026-12-04T12:00:00.000Z');
const now = () => new Date(nowMs);

afterEach(() => {
  secretsManager.reset();
});

describe('createSecretsManagerOriginVerifySecrets', () => {
  it('reads AWSCURRENT and AWSPREVIOUS by the secret id the environment names', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: secretId, VersionStage: 'AWSCURRENT' })
      .resolves(version('AWSCURRENT', 'new-value', '2026-12-04T11:00:00.000Z'))
      .on(GetSecretValueCommand, { SecretId: secretId, VersionStage: 'AWSPREVIOUS' })
      .resolves(version('AWSPREVIOUS', 'old-value', '2026-09-01T00:00:00.000Z'));
    const secrets = createSecretsManagerOriginVerifySecrets({ client: new SecretsManagerClient({ region: 'eu-west-1' }), secretId, now });
    expect(await secrets.read()).toEqual({
      current: { value: 'new-value', createdAt: new Date('2026-12-04T11:00:00.000Z') },
      previous: { value: 'old-value', createdAt: new Date('2026-09-01T00:00:00.000Z') },
    });
  });

  it('has no previous value before the first rotation', async () => {
    secretsManager
      .on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' })
      .resolves(version('AWSCURRENT', 'only-value', '2026-11-01T00:00:00.000Z'))
      .on(GetSecretValueCommand, { VersionStage: 'AWSPREVIOUS' })
      .rejects(noPrevious);
    const secrets = createSecretsManagerOriginVerifySecrets({ client: new SecretsManagerClient({ region: 'eu-west-1' }), secretId, now });
    expect(await secrets.read()).toEqual({ current: { value: 'only-value', createdAt: new Date('2026-11-01T00:00:00.000Z') } });
  });

  it('caches for the configured time: one pair of reads per period, concurrent callers share one', async () => {
    secretsManager
      .on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' })
      .resolvesOnce(version('AWSCURRENT', 'first', '2026-11-01T00:00:00.000Z'))
      .resolves(version('AWSCURRENT', 'rotated', '2026-12-04T12:04:00.000Z'))
      .on(GetSecretValueCommand, { VersionStage: 'AWSPREVIOUS' })
      .rejectsOnce(noPrevious)
      .resolves(version('AWSPREVIOUS', 'first', '2026-11-01T00:00:00.000Z'));
    const secrets = createSecretsManagerOriginVerifySecrets({ client: new SecretsManagerClient({ region: 'eu-west-1' }), secretId, now, cacheSeconds: 300 });
    const reads = await Promise.all([secrets.read(), secrets.read(), secrets.read()]);
    expect(reads.map((r) => r.current.value)).toEqual(['first', 'first', 'first']);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    nowMs += 299_000;
    expect((await secrets.read()).current.value).toBe('first');
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    nowMs += 2_000;
    expect(await secrets.read()).toMatchObject({ current: { value: 'rotated' }, previous: { value: 'first' } });
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(4);
  });

  it('keeps serving the last good read when a refresh fails, and retries after a short pause', async () => {
    secretsManager
      .on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' })
      .resolvesOnce(version('AWSCURRENT', 'good', '2026-11-01T00:00:00.000Z'))
      .rejects(new Error('ThrottlingException'))
      .on(GetSecretValueCommand, { VersionStage: 'AWSPREVIOUS' })
      .rejects(noPrevious);
    const secrets = createSecretsManagerOriginVerifySecrets({ client: new SecretsManagerClient({ region: 'eu-west-1' }), secretId, now, cacheSeconds: 300 });
    expect((await secrets.read()).current.value).toBe('good');
    nowMs += 301_000;
    expect((await secrets.read()).current.value).toBe('good');
    const callsAfterFailure = secretsManager.commandCalls(GetSecretValueCommand).length;
    nowMs += 10_000;
    expect((await secrets.read()).current.value).toBe('good');
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(callsAfterFailure);
    nowMs += 25_000;
    await secrets.read();
    expect(secretsManager.commandCalls(GetSecretValueCommand).length).toBeGreaterThan(callsAfterFailure);
  });

  it('fails when nothing was ever read (the redirect then treats the request as unverified)', async () => {
    secretsManager.on(GetSecretValueCommand).rejects(new Error('AccessDeniedException'));
    const secrets = createSecretsManagerOriginVerifySecrets({ client: new SecretsManagerClient({ region: 'eu-west-1' }), secretId, now });
    await expect(secrets.read()).rejects.toThrow('AccessDeniedException');
  });
});
