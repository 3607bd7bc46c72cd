import currencyCodes from 'currency-codes';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  currencyExponent,
  formatAmount,
  isCurrencyCode,
  normaliseCurrency,
  parseAmount,
  UnknownCurrencyError,
} from '../../../../functions/domain/money/currency.js';
import { InvalidDecimalError } from '../../../../functions/domain/money/decimal.js';

describe('currencyExponent follows ISO 4217', () => {
  it.each([
    ['USD', 2],
    ['EUR', 2],
    ['JPY', 0], // ¥5000 is 5000 yen
    ['KRW', 0],
    ['ISK', 0],
    ['KWD', 3], // 1.234 KWD is 1234 fils
    ['BHD', 3],
    ['TND', 3],
  ])('%s has %i decimals', (code, digits) => {
    expect(currencyExponent(code)).toBe(digits);
  });

  it('agrees with the published ISO 4217 list for every currency it accepts', () => {
    const accepted = currencyCodes.codes().filter(isCurrencyCode);
    expect(accepted.length).toBeGreaterThan(150);
    for (const code of accepted) expect(currencyExponent(code)).toBe(currencyCodes.code(code)!.digits);
  });

  it('refuses from the published list exactly the codes whose minor unit ISO 4217 gives as N.A. and the 4-decimal units of account', () => {
    const refused = currencyCodes.codes().filter((code) => !isCurrencyCode(code));
    expect(refused.sort()).toEqual(['CLF', 'UYW', 'XAG', 'XAU', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XPD', 'XPT', 'XSU', 'XTS', 'XUA', 'XXX']);
  });

  it.each(['usd', 'XAU', 'XXX', 'XTS', 'CLF', 'ABC', '', 'US'])('refuses %j', (code) => {
    expect(isCurrencyCode(code)).toBe(false);
    expect(() => currencyExponent(code)).toThrow(UnknownCurrencyError);
  });

  it('normalises case and refuses what is not a currency', () => {
    expect(normaliseCurrency(' jpy ')).toBe('JPY');
    expect(normaliseCurrency('xau')).toBeUndefined();
    expect(normaliseCurrency(840)).toBeUndefined();
  });
});

describe('parseAmount and formatAmount', () => {
  it.each([
    ['19.99', 'USD', 1999n, '19.99'],
    ['19.9', 'USD', 1990n, '19.90'],
    ['5000', 'JPY', 5000n, '5000'],
    ['5000.000', 'JPY', 5000n, '5000'], // a NUMERIC(…,3) column prints trailing zeros
    ['1.234', 'KWD', 1234n, '1.234'],
    ['-0.05', 'EUR', -5n, '-0.05'],
  ])('%s %s is %s minor units', (decimal, currency, minor, formatted) => {
    expect(parseAmount(decimal, currency)).toBe(minor);
    expect(formatAmount(minor, currency)).toBe(formatted);
  });

  it.each([
    ['50.5', 'JPY'],
    ['1.001', 'USD'],
    ['1.2345', 'KWD'],
    ['1e3', 'USD'],
  ])('refuses %s %s rather than rounding', (decimal, currency) => {
    expect(() => parseAmount(decimal, currency)).toThrow(InvalidDecimalError);
  });

  it('round-trips every amount of every accepted currency', () => {
    const codes = currencyCodes.codes().filter(isCurrencyCode);
    fc.assert(
      fc.property(fc.constantFrom(...codes), fc.bigInt({ min: -(10n ** 11n), max: 10n ** 11n }), (currency, minor) => {
        expect(parseAmount(formatAmount(minor, currency), currency)).toBe(minor);
      }),
    );
  });
});
