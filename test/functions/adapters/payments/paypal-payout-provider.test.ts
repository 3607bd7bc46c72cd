// 347 lines: one spec of the PayPal adapter's retry, duplicate and currency policy over one scripted fetch; split by behaviour it would repeat the script helpers.
import { describe, expect, it, test } from 'vitest';
import fc from 'fast-check';
import { PayPalPayoutProvider } from '../../../../functions/adapters/payments/paypal-payout-provider.js';
import type { PayoutSendRequest } from '../../../../functions/ports/payout-provider.js';
import { payoutIdempotencyKey } from '../../../../functions/domain/payouts/payout-idempotency-key.js';
import { recording, payoutRejection, replayFetch, type RecordedRequest, type Step } from '../../../support/stand-ins/replay-fetch.js';

const BASE = 'https://paypal.test';

const payout43: PayoutSendRequest = {
  payoutId: 43,
  idempotencyKey: payoutIdempotencyKey({ payoutId: 43 }),
  amountCents: 1230n, // $12.30
  currency: 'usd',
  destination: { accountDetails: { email: 'partner43@example.com', account_type: 'business' } },
  description: 'Affiliate payout 43',
};

function provider(script: Step[], options: { timeoutMs?: number; retries?: number; clock?: { ms: number } } = {}) {
  const replay = replayFetch(script);
  const clock = options.clock ?? { ms: Date.parse('2026-11-25T13:00:00Z') };
  const paypal = new PayPalPayoutProvider({
    fetch: replay.fetch,
    baseUrl: BASE,
    clientId: 'client-id',
    clientSecret: 'client-secret',
    timeoutMs: options.timeoutMs ?? 1000,
    retries: options.retries ?? 3,
    retryMinDelayMs: 0,
    now: () => clock.ms,
  });
  return { paypal, clock, ...replay };
}

const json = (request: RecordedRequest): unknown => JSON.parse(request.body);
const payoutPosts = (requests: RecordedRequest[]) =>
  requests.filter((r) => r.method === 'POST' && r.path === '/v1/payments/payouts');


describe('PayPalPayoutProvider', () => {
  it('gets a client-credentials token, then creates a one-item batch keyed by the payout', async () => {
    const { paypal, requests, problems } = provider([recording('paypal-token'), recording('paypal-payout-created')]);

    const result = await paypal.send(payout43);

    // A new batch is PENDING at PayPal: the payout stays processing until getStatus sees SUCCESS.
    expect(result).toMatchObject({ status: 'processing', providerTransactionId: '5UXD2E8A7EBQJ' });
    expect(problems()).toEqual([]);
    const [token, create] = requests;
    expect(token!.url).toBe(`${BASE}/v1/oauth2/token`);
    expect(token!.headers.authorization).toBe(`Basic ${Buffer.from('client-id:client-secret').toString('base64')}`);
    expect(token!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(token!.body).toBe('grant_type=client_credentials');
    expect(create!.url).toBe(`${BASE}/v1/payments/payouts`);
    expect(create!.headers).toMatchObject({
      authorization: 'Bearer A21AAFakeRecordedToken0001',
      'paypal-request-id': 'payout-43',
      'content-type': 'application/json',
    });
    expect(json(create!)).toEqual({
      sender_batch_header: { sender_batch_id: 'payout-43', recipient_type: 'EMAIL', email_subject: 'You have a payout' },
      items: [
        {
          recipient_type: 'EMAIL',
          receiver: 'partner43@example.com',
          amount: { value: '12.30', currency: 'USD' },
          note: 'Affiliate payout 43',
          sender_item_id: 'payout-43',
        },
      ],
    });
  });

  test.each([
    [1230n, 'USD', '12.30'], // $12.30
    [5n, 'USD', '0.05'],
    [100n, 'EUR', '1.00'],
    [123456789n, 'USD', '1234567.89'],
    [1230n, 'JPY', '1230'], // yen have no minor unit at PayPal
  ])('sends %s minor units of %s as "%s"', async (amountCents, currency, value) => {
    const { paypal, requests } = provider([recording('paypal-token'), recording('paypal-payout-created')]);

    await paypal.send({ ...payout43, amountCents, currency });

    expect(json(payoutPosts(requests)[0]!)).toMatchObject({ items: [{ amount: { value, currency } }] });
  });

  it('pays a PayPal payer id when the method has one', async () => {
    const { paypal, requests } = provider([recording('paypal-token'), recording('paypal-payout-created')]);

    await paypal.send({ ...payout43, destination: { providerAccountId: 'PAYERID7QX', accountDetails: {} } });

    expect(json(payoutPosts(requests)[0]!)).toMatchObject({
      sender_batch_header: { recipient_type: 'PAYPAL_ID' },
      items: [{ recipient_type: 'PAYPAL_ID', receiver: 'PAYERID7QX' }],
    });
  });

  it('reuses the token until it is about to expire', async () => {
    const { paypal, clock, requests, problems } = provider([
      recording('paypal-token'),
      recording('paypal-payout-created'),
      recording('paypal-payout-created'),
      recording('paypal-token'),
      recording('paypal-payout-created'),
    ]);

    await paypal.send(payout43);
    clock.ms += 60 * 60 * 1000; // an hour: the 9 h token is still good
    await paypal.send({ ...payout43, payoutId: 44, idempotencyKey: 'payout-44' });
    clock.ms += 9 * 60 * 60 * 1000;
    await paypal.send({ ...payout43, payoutId: 45, idempotencyKey: 'payout-45' });

    expect(problems()).toEqual([]);
    expect(requests.filter((r) => r.path === '/v1/oauth2/token')).toHaveLength(2);
  });

  it('INSUFFICIENT_FUNDS is a definitive failure: not retried, nothing paid', async () => {
    const { paypal, requests, problems } = provider([recording('paypal-token'), recording('paypal-payout-insufficient-funds')]);

    const error = await payoutRejection(paypal.send(payout43));

    expect(error).toMatchObject({
      provider: 'paypal',
      reason: 'insufficient_funds',
      retryable: false,
      outcome: 'not_paid',
      httpStatus: 422,
    });
    expect(error.providerResponse).toMatchObject({ name: 'INSUFFICIENT_FUNDS' });
    expect(payoutPosts(requests)).toHaveLength(1);
    expect(problems()).toEqual([]);
  });

  it('a batch DENIED at preliminary checks is a definitive failure', async () => {
    const { paypal } = provider([recording('paypal-token'), recording('paypal-payout-denied')]);

    const error = await payoutRejection(paypal.send(payout43));

    expect(error).toMatchObject({ reason: 'rejected', retryable: false, outcome: 'not_paid' });
  });

  it('never puts the client secret or the token in what it reports or returns', async () => {
    const { paypal } = provider([recording('paypal-token'), recording('paypal-payout-created')]);
    const result = await paypal.send(payout43);
    const failing = provider([recording('paypal-token'), recording('paypal-payout-insufficient-funds')]);
    const error = await payoutRejection(failing.paypal.send(payout43));

    const reported = JSON.stringify([result, error.message, error.providerResponse]);
    expect(reported).not.toContain('client-secret');
    expect(reported).not.toContain('A21AAFakeRecordedToken0001');
  });

  it('refused client credentials fail at once without retrying', async () => {
    const { paypal, requests } = provider([recording('paypal-token-invalid-client')]);

    const error = await payoutRejection(paypal.send(payout43));

    expect(error).toMatchObject({ reason: 'authentication', retryable: false, httpStatus: 401 });
    expect(requests).toHaveLength(1);
  });

  it('retries a timed-out create with the same sender_batch_id and PayPal-Request-Id, token fetched once', async () => {
    const { paypal, requests, problems } = provider(
      [recording('paypal-token'), { hang: true }, recording('paypal-payout-created')],
      { timeoutMs: 20 },
    );

    const result = await paypal.send(payout43);

    expect(result).toMatchObject({ status: 'processing', providerTransactionId: '5UXD2E8A7EBQJ' });
    expect(problems()).toEqual([]);
    const posts = payoutPosts(requests);
    expect(posts).toHaveLength(2);
    expect(posts.map((r) => r.headers['paypal-request-id'])).toEqual(['payout-43', 'payout-43']);
    expect(posts[1]!.body).toBe(posts[0]!.body);
    expect(requests.filter((r) => r.path === '/v1/oauth2/token')).toHaveLength(1);
  });

  it('retries a 500 with the same sender_batch_id, then succeeds', async () => {
    const { paypal, requests, problems } = provider([
      recording('paypal-token'),
      recording('paypal-payout-server-error'),
      recording('paypal-payout-created'),
    ]);

    await expect(paypal.send(payout43)).resolves.toMatchObject({ status: 'processing' });
    expect(problems()).toEqual([]);
    const posts = payoutPosts(requests);
    expect(posts.map((r) => (json(r) as { sender_batch_header: { sender_batch_id: string } }).sender_batch_header.sender_batch_id)).toEqual([
      'payout-43',
      'payout-43',
    ]);
  });

  it('an expired token is replaced and the create retried with the same key', async () => {
    const { paypal, requests, problems } = provider([
      recording('paypal-token'),
      recording('paypal-payout-token-expired'),
      recording('paypal-token'),
      recording('paypal-payout-created'),
    ]);

    await expect(paypal.send(payout43)).resolves.toMatchObject({ status: 'processing' });
    expect(problems()).toEqual([]);
    expect(payoutPosts(requests).map((r) => r.headers['paypal-request-id'])).toEqual(['payout-43', 'payout-43']);
  });

  it('a duplicate send of the same payout returns the original batch, never a second one', async () => {
    // PayPal refuses a sender_batch_id used in the last 30 days and links the original batch.
    const { paypal, requests, problems } = provider([
      recording('paypal-token'),
      recording('paypal-payout-created'),
      recording('paypal-payout-duplicate-batch'),
      recording('paypal-payout-batch-success'),
    ]);

    const first = await paypal.send(payout43);
    const again = await paypal.send({ ...payout43, idempotencyKey: payoutIdempotencyKey({ payoutId: 43 }) });

    expect(first.providerTransactionId).toBe('5UXD2E8A7EBQJ');
    expect(again).toMatchObject({ status: 'completed', providerTransactionId: '5UXD2E8A7EBQJ' });
    expect(problems()).toEqual([]);
    expect(payoutPosts(requests).map((r) => r.headers['paypal-request-id'])).toEqual(['payout-43', 'payout-43']);
    expect(requests.at(-1)).toMatchObject({ method: 'GET', path: '/v1/payments/payouts/5UXD2E8A7EBQJ' });
  });

  it('a reused sender_batch_id whose original batch has another amount is not recorded as this payout\'s', async () => {
    const { paypal } = provider([
      recording('paypal-token'),
      recording('paypal-payout-duplicate-batch'),
      recording('paypal-payout-batch-success'), // $12.30
    ]);

    const error = await payoutRejection(paypal.send({ ...payout43, amountCents: 5000n }));

    expect(error).toMatchObject({ reason: 'idempotency_conflict', retryable: false, outcome: 'unknown' });
  });

  it('a token request that times out is retried, then the payout is created once', async () => {
    const { paypal, requests, problems } = provider(
      [{ hang: true }, recording('paypal-token'), recording('paypal-payout-created')],
      { timeoutMs: 20 },
    );

    await expect(paypal.send(payout43)).resolves.toMatchObject({ status: 'processing' });
    expect(problems()).toEqual([]);
    expect(payoutPosts(requests)).toHaveLength(1);
  });

  it('gives up after the configured retries with a retryable, unknown-outcome error', async () => {
    const { paypal, requests, problems } = provider(
      [recording('paypal-token'), recording('paypal-payout-server-error'), recording('paypal-payout-server-error')],
      { retries: 1 },
    );

    const error = await payoutRejection(paypal.send(payout43));

    expect(error).toMatchObject({ reason: 'provider_unavailable', retryable: true, outcome: 'unknown', httpStatus: 500 });
    expect(payoutPosts(requests)).toHaveLength(2);
    expect(problems()).toEqual([]);
  });

  test.each([
    ['paypal-payout-batch-success', 'completed'],
    ['paypal-payout-batch-processing', 'processing'],
    ['paypal-payout-batch-unclaimed', 'processing'], // money not yet claimed by the receiver
  ] as const)('getStatus maps %s to %s', async (name, status) => {
    const { paypal, requests } = provider([recording('paypal-token'), recording(name)]);

    const result = await paypal.getStatus({ payoutId: 43, providerTransactionId: '5UXD2E8A7EBQJ' });

    expect(result).toMatchObject({ status, providerTransactionId: '5UXD2E8A7EBQJ' });
    expect(requests[1]).toMatchObject({ method: 'GET', path: '/v1/payments/payouts/5UXD2E8A7EBQJ' });
  });

  it('getStatus reports a returned item as a definitive failure', async () => {
    const { paypal } = provider([recording('paypal-token'), recording('paypal-payout-batch-returned')]);

    const error = await payoutRejection(paypal.getStatus({ payoutId: 43, providerTransactionId: '5UXD2E8A7EBQJ' }));

    expect(error).toMatchObject({ reason: 'rejected', retryable: false, outcome: 'not_paid' });
  });

  test.each([
    ['no e-mail and no payer id', { ...payout43, destination: { accountDetails: {} } }, 'invalid_destination'],
    ['a zero amount', { ...payout43, amountCents: 0n }, 'invalid_request'],
  ] as const)('refuses %s before calling PayPal', async (_label, request, reason) => {
    const { paypal, requests } = provider([]);

    await expect(paypal.send(request)).rejects.toMatchObject({ reason, retryable: false });
    expect(requests).toHaveLength(0);
  });
  it('property: any run of retryable failures followed by success sends one sender_batch_id and one body', async () => {
    // A 401 makes the adapter fetch a new token before its retry, hence the two-step failure.
    const failure = fc.constantFrom<Step[]>(
      [{ timeoutNow: true }],
      [{ networkError: true }],
      [recording('paypal-payout-server-error')],
      [recording('paypal-payout-token-expired'), recording('paypal-token')],
    );
    await fc.assert(
      fc.asyncProperty(fc.array(failure, { maxLength: 3 }), fc.integer({ min: 1, max: 10_000_000 }), async (failures, payoutId) => {
        const key = payoutIdempotencyKey({ payoutId });
        const { paypal, requests, problems } = provider([recording('paypal-token'), ...failures.flat(), recording('paypal-payout-created')]);

        await expect(paypal.send({ ...payout43, payoutId, idempotencyKey: key })).resolves.toMatchObject({ status: 'processing' });

        expect(problems()).toEqual([]);
        const posts = payoutPosts(requests);
        expect(posts).toHaveLength(failures.length + 1);
        expect(new Set(posts.map((r) => r.headers['paypal-request-id']))).toEqual(new Set([key]));
        expect(new Set(posts.map((r) => r.body)).size).toBe(1);
        expect(json(posts[0]!)).toMatchObject({ sender_batch_header: { sender_batch_id: key } });
      }),
      { numRuns: 40 },
    );
  });
});

describe('PayPalPayoutProvider: the payout currency\'s decimals (docs/money.md)', () => {
  test.each([
    [1250n, 'KWD', '1.250'], // three decimals (ISO 4217)
    [12300n, 'HUF', '123'], // PayPal takes whole forints
    [5000n, 'JPY', '5000'],
  ])('sends %s ISO minor units of %s as "%s"', async (amountCents, currency, value) => {
    const { paypal, requests } = provider([recording('paypal-token'), recording('paypal-payout-created')]);
    await paypal.send({ ...payout43, amountCents, currency });
    expect(json(payoutPosts(requests)[0]!)).toMatchObject({ items: [{ amount: { value, currency } }] });
  });

  it('refuses 123.45 forints (PayPal has no fillér) without calling PayPal', async () => {
    const { paypal, requests } = provider([]);
    const error = await payoutRejection(paypal.send({ ...payout43, amountCents: 12345n, currency: 'HUF' }));
    expect(error).toMatchObject({ provider: 'paypal', reason: 'invalid_request', retryable: false, outcome: 'not_paid' });
    expect(requests).toHaveLength(0);
  });
});
