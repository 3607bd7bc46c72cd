import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createPowertoolsSecretReader } from '../../../../functions/adapters/aws/powertools-secret-reader.js';
import { payoutProvidersFromSecrets } from '../../../../functions/adapters/payments/payout-providers-from-secrets.js';
import { PayoutProviderError, type PayoutSendRequest } from '../../../../functions/ports/payout-provider.js';
import { recording, replayFetch } from '../../../support/stand-ins/replay-fetch.js';

const secretsManager = mockClient(SecretsManagerClient);
const stripeSecretId = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/affiliate/payouts/stripe-AbCdEf';
const paypalSecretId = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/affiliate/payouts/paypal-GhIjKl';

function holds(secretId: string, secretString: string) {
  secretsManager.on(GetSecretValueCommand, { SecretId: secretId, VersionStage: 'AWSCURRENT' }).resolves({
    ARN: secretId,
    SecretString: secretString,
    VersionStages: ['AWSCURRENT'],
    CreatedDate: new Date('2026-12-01T10:00:00Z'),
  });
}

const payout42: PayoutSendRequest = {
  payoutId: 42,
  idempotencyKey: 'payout-42',
  amountCents: 12345n,
  currency: 'USD',
  destination: { providerAccountId: 'acct_1PartnerSeven', accountDetails: { email: 'partner7@example.com' } },
  description: 'Affiliate payout 42 (2026-10-01 to 2026-11-01)',
};

function providersWith(script: Parameters<typeof replayFetch>[0]) {
  const replay = replayFetch(script);
  const providers = payoutProvidersFromSecrets({
    secrets: createPowertoolsSecretReader({ client: new SecretsManagerClient({ region: 'eu-west-1' }) }),
    stripeSecretId,
    paypalSecretId,
    fetchFn: (input, init) => replay.fetch(input as string, init ?? {}),
  });
  return { providers, ...replay };
}

afterEach(() => secretsManager.reset());

describe('payoutProvidersFromSecrets', () => {
  it('sends a Stripe transfer with the secret key from the Stripe secret, reading the secret once for many payouts (cached)', async () => {
    holds(stripeSecretId, JSON.stringify({ secret_key: 'sk_live_fromSecretsManager', api_base_url: 'https://stripe.test' }));
    const { providers, requests, problems } = providersWith([recording('stripe-transfer-created'), recording('stripe-transfer-replayed')]);

    const result = await providers.stripe!.send(payout42);
    await providers.stripe!.send(payout42);

    expect(result).toMatchObject({ status: 'completed', providerTransactionId: 'tr_1QxPayout42AbCdEf' });
    expect(requests.map((request) => [request.url, request.headers.authorization])).toEqual([
      ['https://stripe.test/v1/transfers', 'Bearer sk_live_fromSecretsManager'],
      ['https://stripe.test/v1/transfers', 'Bearer sk_live_fromSecretsManager'],
    ]);
    expect(problems()).toEqual([]);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    // The key never reaches what is stored with the payout.
    expect(JSON.stringify(result.providerResponse)).not.toContain('sk_live_fromSecretsManager');
  });

  it('sends a PayPal payout with the client id and secret from the PayPal secret', async () => {
    holds(paypalSecretId, JSON.stringify({ client_id: 'AeClientIdFromSecret', client_secret: 'EKClientSecretFromSecret', api_base_url: 'https://paypal.test' }));
    const { providers, requests, problems } = providersWith([recording('paypal-token'), recording('paypal-payout-created')]);

    const result = await providers.paypal!.send(payout42);

    expect(result.status).toBe('processing');
    expect(requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('AeClientIdFromSecret:EKClientSecretFromSecret').toString('base64')}`);
    expect(problems()).toEqual([]);
  });

  it('leaves a provider off while its secret holds the placeholder {}: the payout fails, not paid, nothing sent', async () => {
    holds(stripeSecretId, '{}');
    holds(paypalSecretId, JSON.stringify({ client_id: 'AeOnlyTheId' }));
    const { providers, requests } = providersWith([]);

    const stripe = await providers.stripe!.send(payout42).catch((error: unknown) => error);
    expect(stripe).toBeInstanceOf(PayoutProviderError);
    expect(stripe).toMatchObject({ provider: 'stripe', reason: 'authentication', retryable: false, outcome: 'not_paid' });
    expect((stripe as Error).message).toContain('secret_key');
    const paypal = await providers.paypal!.send(payout42).catch((error: unknown) => error);
    expect(paypal).toMatchObject({ provider: 'paypal', outcome: 'not_paid' });
    expect((paypal as Error).message).toContain('client_secret');
    expect((paypal as Error).message).not.toContain('AeOnlyTheId');
    expect(requests).toEqual([]);
  });

  it('fails a payout whose secret cannot be read without sending anything, and offers no provider whose secret is not wired', async () => {
    secretsManager.on(GetSecretValueCommand).rejects(new ResourceNotFoundException({ message: 'Secrets Manager cannot find the specified secret.', $metadata: {} }));
    const { providers, requests } = providersWith([]);
    await expect(providers.stripe!.send(payout42)).rejects.toThrow();
    expect(requests).toEqual([]);

    const none = payoutProvidersFromSecrets({ secrets: { current: () => Promise.resolve(undefined), previous: () => Promise.resolve(undefined) } });
    expect(Object.keys(none)).toEqual([]);
  });
});
