import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PAYOUT_MINIMUMS,
  FALLBACK_PAYOUT_MINIMUM,
  parsePayoutMinimums,
  resolvePayoutThresholds,
} from '../../../../functions/domain/payouts/payout-thresholds.js';
import { currencyExponent, parseAmount } from '../../../../functions/domain/money/currency.js';

describe('resolvePayoutThresholds', () => {
  it('without configuration: the built-in defaults, and 50 of the major unit for any other currency', () => {
    expect(resolvePayoutThresholds({})).toEqual({ thresholds: DEFAULT_PAYOUT_MINIMUMS, otherwise: FALLBACK_PAYOUT_MINIMUM });
    expect(DEFAULT_PAYOUT_MINIMUMS.JPY).toBe('5000');
  });

  it('every built-in default is an exact amount of its currency (ISO 4217 decimals)', () => {
    for (const [currency, minimum] of Object.entries(DEFAULT_PAYOUT_MINIMUMS)) {
      expect(() => parseAmount(minimum, currency), currency).not.toThrow();
      expect(minimum.split('.')[1]?.length ?? 0).toBe(currencyExponent(currency));
    }
  });

  it('most specific first: run per currency, run single, operator per currency, operator single, defaults', () => {
    const configuredMinimums = { EUR: '40.00', JPY: '6000' };
    expect(resolvePayoutThresholds({ configuredMinimums })).toEqual({
      thresholds: { ...DEFAULT_PAYOUT_MINIMUMS, EUR: '40.00', JPY: '6000' },
      otherwise: '50',
    });
    expect(resolvePayoutThresholds({ configuredMinimums, configuredMinimum: '25.00' })).toEqual({
      thresholds: { EUR: '40.00', JPY: '6000' },
      otherwise: '25.00',
    });
    expect(resolvePayoutThresholds({ configuredMinimums, configuredMinimum: '25.00', runMinimum: '10.00', runMinimums: { JPY: '1000' } })).toEqual({
      thresholds: { JPY: '1000' },
      otherwise: '10.00',
    });
    expect(resolvePayoutThresholds({ configuredMinimums, runMinimums: { JPY: '1000' } }).thresholds.JPY).toBe('1000');
  });

  it('refuses a threshold that is not an amount of its currency, or not a currency', () => {
    expect(() => resolvePayoutThresholds({ runMinimums: { JPY: '10.50' } })).toThrow(/decimal/);
    expect(() => resolvePayoutThresholds({ runMinimums: { XAU: '1' } })).toThrow(/ISO 4217/);
  });
});

describe('parsePayoutMinimums (PAYOUT_MINIMUMS)', () => {
  it('reads CUR=amount pairs', () => {
    expect(parsePayoutMinimums('EUR=40.00, jpy=6000')).toEqual({ EUR: '40.00', JPY: '6000' });
    expect(parsePayoutMinimums(undefined)).toEqual({});
    expect(parsePayoutMinimums('')).toEqual({});
  });

  it('refuses an entry without an ISO 4217 code', () => {
    expect(() => parsePayoutMinimums('EURO=40')).toThrow(/ISO 4217/);
  });
});
