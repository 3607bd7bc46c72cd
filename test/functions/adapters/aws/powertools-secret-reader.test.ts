import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { noPreviousVersion, secretVersionResponse } from '../../../support/fixtures/secrets-manager-responses.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPowertoolsSecretReader } from '../../../../functions/adapters/aws/powertools-secret-reader.js';

const secretsManager = mockClient(SecretsManagerClient);
const secretId = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/affiliate/admin-token-AbCdEf';

const version = (stage: 'AWSCURRENT' | 'AWSPREVIOUS', value: string, createdAt: string) => secretVersionResponse(secretId, stage, value, createdAt);

const noPrevious = noPreviousVersion;

const calls = (stage: string) => secretsManager.commandCalls(GetSecretValueCommand).filter((call) => call.args[0].input.VersionStage === stage).length;

beforeEach(() => {
  // Powertools' cache reads the wall clock: only Date is faked, so nothing sleeps.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-12-04T12:00:00.000Z'));
});

afterEach(() => {
  vi.useRealTimers();
  secretsManager.reset();
});

describe('createPowertoolsSecretReader', () => {
  it('reads the current and previous values with their creation times, by stage', async () => {
    secretsManager.on(GetSecretValueCommand, { SecretId: secretId, VersionStage: 'AWSCURRENT' }).resolves(version('AWSCURRENT', 'token-new', '2026-12-04T11:50:00Z'));
    secretsManager.on(GetSecretValueCommand, { SecretId: secretId, VersionStage: 'AWSPREVIOUS' }).resolves(version('AWSPREVIOUS', 'token-old', '2026-11-01T09:00:00Z'));
    const reader = createPowertoolsSecretReader({ client: new SecretsManagerClient({ region: 'eu-west-1' }) });

    expect(await reader.current(secretId)).toEqual({ value: 'token-new', createdAt: new Date('2026-12-04T11:50:00Z') });
    expect(await reader.previous(secretId)).toEqual({ value: 'token-old', createdAt: new Date('2026-11-01T09:00:00Z') });
  });

  it('serves reads from its cache for maxAge, then asks Secrets Manager again and sees a rotation', async () => {
    secretsManager.on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' }).resolvesOnce(version('AWSCURRENT', 'token-1', '2026-12-01T00:00:00Z')).resolves(version('AWSCURRENT', 'token-2', '2026-12-04T12:01:00Z'));
    const reader = createPowertoolsSecretReader({ client: new SecretsManagerClient({ region: 'eu-west-1' }), maxAgeSeconds: 300 });

    expect((await reader.current(secretId))?.value).toBe('token-1');
    vi.setSystemTime(new Date('2026-12-04T12:04:59.000Z'));
    expect((await reader.current(secretId))?.value).toBe('token-1');
    expect(calls('AWSCURRENT')).toBe(1);

    vi.setSystemTime(new Date('2026-12-04T12:05:01.000Z'));
    expect((await reader.current(secretId))?.value).toBe('token-2');
    expect(calls('AWSCURRENT')).toBe(2);
  });

  it('caches "never rotated" too: no AWSPREVIOUS is undefined, asked once per maxAge', async () => {
    secretsManager.on(GetSecretValueCommand, { VersionStage: 'AWSPREVIOUS' }).rejects(noPrevious);
    const reader = createPowertoolsSecretReader({ client: new SecretsManagerClient({ region: 'eu-west-1' }) });

    expect(await reader.previous(secretId)).toBeUndefined();
    expect(await reader.previous(secretId)).toBeUndefined();
    expect(calls('AWSPREVIOUS')).toBe(1);
  });

  it('reports an empty secret as no value, and lets a failing Secrets Manager fail the read', async () => {
    secretsManager.on(GetSecretValueCommand, { SecretId: 'empty' }).resolves({ ...version('AWSCURRENT', '', '2026-12-01T00:00:00Z'), SecretString: '' });
    secretsManager.on(GetSecretValueCommand, { SecretId: 'broken' }).rejects(new Error('AccessDeniedException'));
    const reader = createPowertoolsSecretReader({ client: new SecretsManagerClient({ region: 'eu-west-1' }) });

    expect(await reader.current('empty')).toBeUndefined();
    await expect(reader.current('broken')).rejects.toThrow();
    // The current stage of a missing secret is a failure too, not "no value".
    secretsManager.on(GetSecretValueCommand, { SecretId: 'gone' }).rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
    await expect(reader.current('gone')).rejects.toThrow();
  });
});
