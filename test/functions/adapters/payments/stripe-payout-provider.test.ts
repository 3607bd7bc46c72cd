// 335 lines: one spec of the Stripe adapter's retry, duplicate and currency policy over one scripted fetch; split by behaviour it would repeat the script helpers.
import { describe, expect, it, test } from 'vitest';
import fc from 'fast-check';
import { StripePayoutProvider } from '../../../../functions/adapters/payments/stripe-payout-provider.js';
import type { PayoutSendRequest } from '../../../../functions/ports/payout-provider.js';
import {
  nextIdempotencyGeneration,
  payoutIdempotencyKey,
} from '../../../../functions/domain/payouts/payout-idempotency-key.js';
import { formBody, recording, payoutRejection, replayFetch, type Step } from '../../../support/stand-ins/replay-fetch.js';

const BASE = 'https://stripe.test';

const payout42: PayoutSendRequest = {
  payoutId: 42,
  idempotencyKey: payoutIdempotencyKey({ payoutId: 42 }),
  amountCents: 12345n, // $123.45
  currency: 'USD',
  destination: { providerAccountId: 'acct_1PartnerSeven', accountDetails: {} },
  description: 'Affiliate payout 42 (2026-10-01 to 2026-11-01)',
};

function provider(script: Step[], overrides: { retries?: number; timeoutMs?: number } = {}) {
  const replay = replayFetch(script);
  const stripe = new StripePayoutProvider({
    fetch: replay.fetch,
    baseUrl: BASE,
    apiKey: 'sk_test_recorded',
    apiVersion: '2024-06-20',
    timeoutMs: overrides.timeoutMs ?? 1000,
    retries: overrides.retries ?? 3,
    retryMinDelayMs: 0,
  });
  return { stripe, ...replay };
}


describe('StripePayoutProvider', () => {
  it('creates one Connect transfer in cents to the partner account, keyed by the payout', async () => {
    const { stripe, requests, problems } = provider([recording('stripe-transfer-created')]);

    const result = await stripe.send(payout42);

    expect(result).toMatchObject({ status: 'completed', providerTransactionId: 'tr_1QxPayout42AbCdEf' });
    expect(result.providerResponse).toMatchObject({ amount: 12345, destination: 'acct_1PartnerSeven' });
    expect(problems()).toEqual([]);
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request!.method).toBe('POST');
    expect(request!.url).toBe(`${BASE}/v1/transfers`);
    expect(request!.headers).toMatchObject({
      authorization: 'Bearer sk_test_recorded',
      'idempotency-key': 'payout-42',
      'content-type': 'application/x-www-form-urlencoded',
      'stripe-version': '2024-06-20',
    });
    expect(formBody(request!)).toEqual({
      amount: '12345',
      currency: 'usd',
      destination: 'acct_1PartnerSeven',
      transfer_group: 'payout-42',
      description: 'Affiliate payout 42 (2026-10-01 to 2026-11-01)',
      'metadata[payout_id]': '42',
      'metadata[idempotency_key]': 'payout-42',
    });
  });

  test.each([
    ['stripe-transfer-account-invalid', 'invalid_destination', 400],
    ['stripe-transfer-balance-insufficient', 'insufficient_funds', 400],
    ['stripe-transfer-idempotency-error', 'idempotency_conflict', 400],
    ['stripe-authentication-error', 'authentication', 401],
  ] as const)('%s is a definitive failure: %s, not retried, nothing paid', async (name, reason, httpStatus) => {
    const { stripe, requests, problems } = provider([recording(name)]);

    const error = await payoutRejection(stripe.send(payout42));

    expect(error).toMatchObject({ provider: 'stripe', reason, retryable: false, outcome: 'not_paid', httpStatus });
    expect(error.providerResponse).toEqual(recording(name).response.body);
    expect(requests).toHaveLength(1);
    expect(problems()).toEqual([]);
  });

  it('never puts the secret key in what it reports', async () => {
    const { stripe } = provider([recording('stripe-authentication-error')]);

    const error = await payoutRejection(stripe.send(payout42));

    expect(JSON.stringify({ message: error.message, response: error.providerResponse })).not.toContain('sk_test_recorded');
  });

  it('retries a timed-out transfer with the identical key and body and gets the original transfer back', async () => {
    // The first response is lost after Stripe created the transfer; the retry gets Stripe's replay.
    const { stripe, requests, problems } = provider([{ hang: true }, recording('stripe-transfer-replayed')], { timeoutMs: 20 });

    const result = await stripe.send(payout42);

    expect(result).toMatchObject({ status: 'completed', providerTransactionId: 'tr_1QxPayout42AbCdEf' });
    expect(problems()).toEqual([]);
    expect(requests).toHaveLength(2);
    expect(requests.map((r) => r.headers['idempotency-key'])).toEqual(['payout-42', 'payout-42']);
    expect(requests[1]!.body).toBe(requests[0]!.body);
  });

  test.each([
    ['stripe-server-error'],
    ['stripe-rate-limited'],
    ['stripe-idempotency-in-flight'],
  ])('retries after %s with the same key, then succeeds', async (name) => {
    const { stripe, requests, problems } = provider([recording(name), recording('stripe-transfer-created')]);

    const result = await stripe.send(payout42);

    expect(result.providerTransactionId).toBe('tr_1QxPayout42AbCdEf');
    expect(problems()).toEqual([]);
    expect(requests.map((r) => r.headers['idempotency-key'])).toEqual(['payout-42', 'payout-42']);
    expect(formBody(requests[1]!)).toEqual(formBody(requests[0]!));
  });

  it('retries a gateway 502 with an HTML body, keeping the text for the record', async () => {
    const badGateway = {
      request: { method: 'POST', path: '/v1/transfers' },
      response: { status: 502, headers: { 'content-type': 'text/html' }, body: null, rawBody: '<html><body>502 Bad Gateway</body></html>' },
    };
    const { stripe, requests } = provider([badGateway, badGateway], { retries: 1 });

    const error = await payoutRejection(stripe.send(payout42));

    expect(error).toMatchObject({ reason: 'provider_unavailable', retryable: true, outcome: 'unknown', httpStatus: 502 });
    expect(error.providerResponse).toBe('<html><body>502 Bad Gateway</body></html>');
    expect(requests).toHaveLength(2);
  });

  it('retries a dropped connection with the same key', async () => {
    const { stripe, requests } = provider([{ networkError: true }, recording('stripe-transfer-created')]);

    await expect(stripe.send(payout42)).resolves.toMatchObject({ status: 'completed' });
    expect(new Set(requests.map((r) => r.headers['idempotency-key']))).toEqual(new Set(['payout-42']));
  });

  it('stops when Stripe says Stripe-Should-Retry: false, and reports the outcome as unknown', async () => {
    const { stripe, requests } = provider([recording('stripe-server-error-do-not-retry')]);

    const error = await payoutRejection(stripe.send(payout42));

    // Unknown: the payout must be retried later with the SAME key, never re-issued with a new one.
    expect(error).toMatchObject({ reason: 'provider_unavailable', retryable: false, outcome: 'unknown', httpStatus: 500 });
    expect(requests).toHaveLength(1);
  });

  it('gives up after the configured retries with a retryable, unknown-outcome error', async () => {
    const { stripe, requests, problems } = provider(
      [recording('stripe-server-error'), recording('stripe-server-error'), recording('stripe-server-error')],
      { retries: 2 },
    );

    const error = await payoutRejection(stripe.send(payout42));

    expect(error).toMatchObject({ reason: 'provider_unavailable', retryable: true, outcome: 'unknown' });
    expect(requests).toHaveLength(3);
    expect(problems()).toEqual([]);
  });

  it('a duplicate send of the same payout (a re-run job, a new Lambda) gets the original transfer, never a second one', async () => {
    const { fetch, requests, problems } = replayFetch([
      recording('stripe-transfer-created'),
      recording('stripe-transfer-replayed'),
    ]);
    const options = { fetch, baseUrl: BASE, apiKey: 'sk_test_recorded', retryMinDelayMs: 0 };

    const first = await new StripePayoutProvider(options).send(payout42);
    // The job derives the key again from the payout: no stored random key is needed.
    const again = await new StripePayoutProvider(options).send({
      ...payout42,
      idempotencyKey: payoutIdempotencyKey({ payoutId: 42 }),
    });

    expect(again.providerTransactionId).toBe(first.providerTransactionId);
    expect(problems()).toEqual([]);
    const transferPosts = requests.filter((r) => r.method === 'POST' && r.path === '/v1/transfers');
    expect(transferPosts.map((r) => r.headers['idempotency-key'])).toEqual(['payout-42', 'payout-42']);
    expect(transferPosts[1]!.body).toBe(transferPosts[0]!.body);
  });

  it('operator retries: same key after an unknown outcome, next key only after a definitive refusal', async () => {
    const { fetch, requests, problems } = replayFetch([
      recording('stripe-server-error-do-not-retry'), // run 1: outcome unknown
      recording('stripe-transfer-balance-insufficient'), // run 2 (same key): Stripe says no
      recording('stripe-transfer-created'), // run 3 (re-issued key): paid
    ]);
    const stripe = new StripePayoutProvider({ fetch, baseUrl: BASE, apiKey: 'sk_test_recorded', retryMinDelayMs: 0 });
    let generation = 0;
    const run = () => stripe.send({ ...payout42, idempotencyKey: payoutIdempotencyKey({ payoutId: 42, generation }), mayHaveBeenSent: false });

    const unknown = await payoutRejection(run());
    generation = nextIdempotencyGeneration({ generation, lastOutcome: unknown.outcome });
    const refused = await payoutRejection(run());
    generation = nextIdempotencyGeneration({ generation, lastOutcome: refused.outcome });
    const paid = await run();

    expect([unknown.outcome, refused.outcome, paid.status]).toEqual(['unknown', 'not_paid', 'completed']);
    expect(requests.map((r) => r.headers['idempotency-key'])).toEqual(['payout-42', 'payout-42', 'payout-42-reissue-1']);
    expect(problems()).toEqual([]);
  });

  it('when the payout may have been sent, finds the existing transfer by transfer group instead of creating one', async () => {
    // Past Stripe's 24 h key window a replay is not guaranteed; the transfer group still finds it.
    const { stripe, requests, problems } = provider([recording('stripe-transfers-list-found')]);

    const result = await stripe.send({ ...payout42, mayHaveBeenSent: true });

    expect(result).toMatchObject({ status: 'completed', providerTransactionId: 'tr_1QxPayout42AbCdEf' });
    expect(problems()).toEqual([]);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.method).toBe('GET');
    expect(Object.fromEntries(requests[0]!.query)).toEqual({ transfer_group: 'payout-42', limit: '1' });
  });

  it('when the payout may have been sent but no transfer exists, creates it with the same key', async () => {
    const { stripe, requests, problems } = provider([recording('stripe-transfers-list-empty'), recording('stripe-transfer-created')]);

    await expect(stripe.send({ ...payout42, mayHaveBeenSent: true })).resolves.toMatchObject({ status: 'completed' });
    expect(problems()).toEqual([]);
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/transfers', 'POST /v1/transfers']);
    expect(requests[1]!.headers['idempotency-key']).toBe('payout-42');
  });

  test.each([
    ['a different amount', { amountCents: 99999n }],
    ['a different destination', { destination: { providerAccountId: 'acct_1SomeoneElse', accountDetails: {} } }],
    ['a different currency', { currency: 'EUR' }],
  ])('a transfer replayed under this key but with %s is not recorded as this payout\'s', async (_label, change) => {
    // e.g. a test database reset to payout id 1 sharing the Stripe account with another stack
    const { stripe } = provider([recording('stripe-transfer-replayed')]);

    const error = await payoutRejection(stripe.send({ ...payout42, ...change }));

    expect(error).toMatchObject({ reason: 'idempotency_conflict', retryable: false, outcome: 'unknown' });
  });

  it('a transfer found by transfer group must match the payout too', async () => {
    const { stripe } = provider([recording('stripe-transfers-list-found')]);

    await expect(stripe.send({ ...payout42, amountCents: 100n, mayHaveBeenSent: true })).rejects.toMatchObject({
      reason: 'idempotency_conflict',
    });
  });

  it('a 2xx without a transfer is an unknown outcome, not retried', async () => {
    const garbled = recording('stripe-transfer-created');
    garbled.response.body = '<html>gateway</html>';
    const { stripe, requests } = provider([garbled]);

    const error = await payoutRejection(stripe.send(payout42));

    expect(error).toMatchObject({ reason: 'invalid_response', retryable: false, outcome: 'unknown' });
    expect(requests).toHaveLength(1);
  });

  test.each([
    ['no connected account', { ...payout42, destination: { accountDetails: {} } }, 'invalid_destination'],
    ['not an acct_ id', { ...payout42, destination: { providerAccountId: 'partner@example.com', accountDetails: {} } }, 'invalid_destination'],
    ['a zero amount', { ...payout42, amountCents: 0n }, 'invalid_request'],
    ['a negative amount', { ...payout42, amountCents: -100n }, 'invalid_request'],
  ] as const)('refuses %s before calling Stripe', async (_label, request, reason) => {
    const { stripe, requests } = provider([]);

    const error = await payoutRejection(stripe.send(request));

    expect(error).toMatchObject({ reason, retryable: false, outcome: 'not_paid' });
    expect(requests).toHaveLength(0);
  });

  it('property: any run of retryable failures followed by success sends one key and one body throughout', async () => {
    const failure = fc.constantFrom<Step>(
      { timeoutNow: true },
      { networkError: true },
      recording('stripe-server-error'),
      recording('stripe-rate-limited'),
      recording('stripe-idempotency-in-flight'),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(failure, { maxLength: 3 }), fc.integer({ min: 1, max: 10_000_000 }), async (failures, payoutId) => {
        const key = payoutIdempotencyKey({ payoutId });
        const { stripe, requests, problems } = provider([...failures, recording('stripe-transfer-replayed')]);

        const result = await stripe.send({ ...payout42, payoutId, idempotencyKey: key });

        expect(result.status).toBe('completed');
        expect(problems()).toEqual([]);
        expect(requests).toHaveLength(failures.length + 1);
        expect(new Set(requests.map((r) => r.headers['idempotency-key']))).toEqual(new Set([key]));
        expect(new Set(requests.map((r) => r.body)).size).toBe(1);
      }),
      { numRuns: 40 },
    );
  });
});

describe('StripePayoutProvider: the payout currency in Stripe\'s own minor unit (docs/money.md)', () => {
  /** The recorded transfer as Stripe answers for this amount and currency. */
  const transferOf = (amount: number, currency: string) => {
    const rec = recording('stripe-transfer-created');
    Object.assign(rec.response.body as Record<string, unknown>, { amount, currency: currency.toLowerCase() });
    return rec;
  };

  test.each([
    [5000n, 'JPY', 5000], // ¥5000: zero-decimal in ISO 4217 and at Stripe
    [40n, 'ISK', 4000], // 40 krónur: ISO has no decimals, Stripe counts ISK in hundredths
    [1250n, 'KWD', 1250], // 1.250 KWD: three decimals in both
    [1250n, 'EUR', 1250], // €12.50
    [12300n, 'MGA', 123], // 123.00 ariary: two decimals in ISO, zero-decimal at Stripe
  ])('%s ISO minor units of %s are sent as amount=%s', async (minor, currency, stripeAmount) => {
    const { stripe, requests } = provider([transferOf(stripeAmount, currency)]);
    const result = await stripe.send({ ...payout42, amountCents: minor, currency });
    expect(result.status).toBe('completed');
    expect(formBody(requests[0]!)).toMatchObject({ amount: String(stripeAmount), currency: currency.toLowerCase() });
  });

  it('refuses an amount Stripe\'s unit cannot hold (123.45 ariary) without calling Stripe', async () => {
    const { stripe, requests } = provider([]);
    const error = await payoutRejection(stripe.send({ ...payout42, amountCents: 12345n, currency: 'MGA' }));
    expect(error).toMatchObject({ provider: 'stripe', reason: 'invalid_request', retryable: false, outcome: 'not_paid' });
    expect(requests).toHaveLength(0);
  });
});
