import { describe, expect, it, test } from 'vitest';
import { WirePayoutProvider } from '../../../../functions/adapters/payments/wire-payout-provider.js';
import { createPayoutProviders } from '../../../../functions/adapters/payments/create-payout-providers.js';
import type { PayoutSendRequest } from '../../../../functions/ports/payout-provider.js';
import { replayFetch } from '../../../support/stand-ins/replay-fetch.js';

const payout44: PayoutSendRequest = {
  payoutId: 44,
  idempotencyKey: 'payout-44',
  amountCents: 250000n, // $2,500.00
  currency: 'eur',
  destination: { accountDetails: { iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', account_holder: 'Partner GmbH' } },
  description: 'Affiliate payout 44',
};

describe('WirePayoutProvider', () => {
  it('sends nothing and hands the operator the amount and the payout reference', async () => {
    const result = await new WirePayoutProvider().send(payout44);

    expect(result).toEqual({
      status: 'manual',
      providerTransactionId: 'payout-44',
      providerResponse: {
        method: 'wire',
        reference: 'payout-44',
        amount: '2500.00',
        currency: 'EUR',
        awaiting: 'operator_confirmation',
      },
    });
    // Bank details stay in partner_payment_methods, not in the long-kept provider_response.
    expect(JSON.stringify(result.providerResponse)).not.toContain('DE89');
  });

  it('a duplicate send of the same payout gives the same instructions and reference', async () => {
    const wire = new WirePayoutProvider();
    expect(await wire.send(payout44)).toEqual(await wire.send({ ...payout44 }));
  });

  test.each([
    ['no account', {}],
    ['an empty iban', { iban: '' }],
  ])('refuses a destination with %s', async (_label, accountDetails) => {
    await expect(new WirePayoutProvider().send({ ...payout44, destination: { accountDetails } })).rejects.toMatchObject({
      provider: 'wire',
      reason: 'invalid_destination',
      retryable: false,
      outcome: 'not_paid',
    });
  });

  it('accepts a domestic account number instead of an IBAN', async () => {
    await expect(
      new WirePayoutProvider().send({ ...payout44, destination: { accountDetails: { account_number: '000123456789', routing_number: '110000000' } } }),
    ).resolves.toMatchObject({ status: 'manual' });
  });
});

describe('createPayoutProviders', () => {
  it('builds only the providers that have credentials, wire always', () => {
    const { fetch } = replayFetch([]);

    expect(Object.keys(createPayoutProviders({ fetch })).sort()).toEqual(['wire']);
    const all = createPayoutProviders({
      fetch,
      stripe: { apiKey: 'sk_test_x' },
      paypal: { clientId: 'id', clientSecret: 'secret' },
    });
    expect(Object.entries(all).map(([key, provider]) => [key, provider?.name])).toEqual([
      ['wire', 'wire'],
      ['stripe', 'stripe'],
      ['paypal', 'paypal'],
    ]);
  });
});

describe('WirePayoutProvider: amounts in the payout currency\'s decimals', () => {
  test.each([
    [5000n, 'JPY', '5000'],
    [1250n, 'KWD', '1.250'],
    [250000n, 'EUR', '2500.00'],
  ])('%s minor units of %s are "%s"', async (amountCents, currency, amount) => {
    const result = await new WirePayoutProvider().send({ ...payout44, amountCents, currency });
    expect(result.providerResponse).toMatchObject({ amount, currency });
  });
});
