import { describe, expect, it } from 'vitest';
import { MalformedWebhookError } from '../../../../functions/domain/integrations/malformed-webhook-error.js';
import { stripeAmountToDecimal } from '../../../../functions/domain/integrations/provider-values.js';

// The examples of Stripe's "Supported currencies" page: amounts are integers in the currency's
// smallest unit as Stripe defines it, which is not always ISO 4217's.
describe('stripeAmountToDecimal', () => {
  it.each([
    [1000, 'usd', '10.00'], // "to charge 10 USD, provide an amount value of 1000"
    [500, 'jpy', '500'], // "to charge ¥500, provide an amount value of 500"
    [5000, 'JPY', '5000'],
    [5120, 'kwd', '5.120'], // three-decimal: 5.124 KWD is sent rounded to 5120
    [100, 'isk', '1'], // "an ISK amount of 100 will continue to represent 1 króna"
    [4000, 'isk', '40'],
    [250000, 'huf', '2500.00'], // two-decimal in Stripe's API for charges
    [1999, 'eur', '19.99'],
    [300, 'ugx', '300'],
  ])('%i %s is %s', (amount, currency, decimal) => {
    expect(stripeAmountToDecimal(amount, currency, 'data.object.amount')).toBe(decimal);
  });

  it.each([
    [4010, 'isk'], // fractional króna: Stripe refuses such amounts since April 2023
    [-1, 'usd'],
    [1.5, 'usd'],
    [100, 'xyz'],
    [100, undefined],
  ])('refuses %s %s as a malformed event', (amount, currency) => {
    expect(() => stripeAmountToDecimal(amount, currency, 'data.object.amount')).toThrow(MalformedWebhookError);
  });
});

describe('a hostile currency in an error message', () => {
  it('is quoted short, so a problem document never echoes a 10 KB value (found by the fuzz suite)', () => {
    let message = '';
    try {
      stripeAmountToDecimal(100, 'x'.repeat(10_000), 'data.object.amount');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^currency "x{36}\.\.\. is not an ISO 4217 currency$/);
  });
});

describe('a nested currency value in an error message', () => {
  it('is named, not serialised: a 10,000-level object is a 400, not a stack overflow (found by the fuzz suite)', () => {
    let deep: unknown = 'usd';
    for (let i = 0; i < 10_000; i += 1) deep = { a: deep };
    expect(() => stripeAmountToDecimal(100, deep, 'data.object.amount')).toThrow(new MalformedWebhookError('currency an object is not an ISO 4217 currency'));
    expect(() => stripeAmountToDecimal(100, ['usd'], 'data.object.amount')).toThrow(/^currency an array is not/);
  });
});
