import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createHandler, secretDepsFromEnv } from '../../../functions/handlers/management-api.js';
import { platformConfigFromEnv } from '../../../functions/platform/composition-root.js';
import { PayoutProviderError } from '../../../functions/ports/payout-provider.js';
import { recording, replayFetch } from '../../support/stand-ins/replay-fetch.js';

const secretsManager = mockClient(SecretsManagerClient);
const stripeSecretId = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/affiliate/payouts/stripe-AbCdEf';
const paypalSecretId = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/affiliate/payouts/paypal-GhIjKl';
/** What the API stack sets on the management API: ARNs, no value. */
const lambdaEnv = { AWS_LAMBDA_FUNCTION_NAME: 'prod-managementApi', STRIPE_PAYOUT_SECRET_ID: stripeSecretId, PAYPAL_PAYOUT_SECRET_ID: paypalSecretId };

afterEach(() => secretsManager.reset());

describe('secretDepsFromEnv (the management API Lambda as deployed)', () => {
  it('offers Stripe and PayPal from their secrets: Stripe filled by the operator pays, PayPal still {} is not configured', async () => {
    secretsManager.on(GetSecretValueCommand, { SecretId: stripeSecretId }).resolves({ SecretString: JSON.stringify({ secret_key: 'sk_live_operatorFilled', api_base_url: 'https://stripe.test' }), CreatedDate: new Date('2026-12-01T00:00:00Z') });
    secretsManager.on(GetSecretValueCommand, { SecretId: paypalSecretId }).resolves({ SecretString: '{}', CreatedDate: new Date('2026-11-01T00:00:00Z') });
    const replay = replayFetch([recording('stripe-transfer-created')]);
    const { payoutProviders, secretReader } = secretDepsFromEnv(lambdaEnv, new SecretsManagerClient({ region: 'eu-west-1' }), (input, init) => replay.fetch(input as string, init ?? {}));
    expect(Object.keys(payoutProviders ?? {}).sort()).toEqual(['paypal', 'stripe', 'wire']);
    expect(secretReader).toBeDefined();

    const request = {
      payoutId: 42,
      idempotencyKey: 'payout-42',
      amountCents: 12345n,
      currency: 'USD',
      destination: { providerAccountId: 'acct_1PartnerSeven', accountDetails: { email: 'partner7@example.com' } },
      description: 'Affiliate payout 42',
    };
    expect(await payoutProviders!.stripe!.send(request)).toMatchObject({ status: 'completed', providerTransactionId: 'tr_1QxPayout42AbCdEf' });
    expect(replay.requests[0]!.headers.authorization).toBe('Bearer sk_live_operatorFilled');
    const paypal = await payoutProviders!.paypal!.send(request).catch((error: unknown) => error);
    expect(paypal).toBeInstanceOf(PayoutProviderError);
    expect(paypal).toMatchObject({ provider: 'paypal', outcome: 'not_paid' });
    expect(replay.problems()).toEqual([]);
  });

  it('offers wire alone when no payout secret is wired and no local credentials are set', () => {
    const { payoutProviders } = secretDepsFromEnv({ AWS_LAMBDA_FUNCTION_NAME: 'prod-managementApi' }, new SecretsManagerClient({ region: 'eu-west-1' }));
    expect(Object.keys(payoutProviders ?? {})).toEqual(['wire']);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });
});

describe('createHandler: unexpected errors', () => {
  it('answers 500 problem+json without internals and logs the error once through the function logger', async () => {
    const logged: { level: string; message: string; extra: unknown[] }[] = [];
    const record = (level: string) => (message: string, ...extra: unknown[]) => void logged.push({ level, message, extra });
    const broken = () => Promise.reject(new Error('relation "vendors" does not exist at 10.0.0.5'));
    const handler = createHandler({
      config: platformConfigFromEnv({ ADMIN_TOKEN: 'operator-token-0123456789abcdef' }),
      sql: { query: broken, transaction: broken },
      dynamodb: new DynamoDBClient({ region: 'eu-west-1' }),
      sqs: new SQSClient({ region: 'eu-west-1' }),
      now: () => new Date('2026-12-04T12:00:00Z'),
      logger: { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') },
    });
    const result = await handler({
      version: '2.0',
      routeKey: 'ANY /v1/{proxy+}',
      rawPath: '/v1/admin/vendors',
      rawQueryString: '',
      headers: { authorization: 'Bearer operator-token-0123456789abcdef' },
      requestContext: { http: { method: 'GET', path: '/v1/admin/vendors', protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'curl/8' } },
      pathParameters: { proxy: 'admin/vendors' },
      isBase64Encoded: false,
    } as never);
    expect(result.statusCode).toBe(500);
    expect(result.headers?.['content-type']).toBe('application/problem+json');
    expect(String(result.body)).not.toContain('10.0.0.5');
    expect(logged).toEqual([{ level: 'error', message: 'unhandled error', extra: [{ instance: '/v1/admin/vendors' }, expect.objectContaining({ message: expect.stringContaining('does not exist') as unknown })] }]);
  });
});
