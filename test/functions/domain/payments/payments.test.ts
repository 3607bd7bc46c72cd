import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidAbaRoutingNumber } from '../../../../functions/domain/payments/is-valid-aba-routing-number.js';
import { maskAccountDetails, maskIdentifier } from '../../../../functions/domain/payments/mask-account-details.js';

describe('isValidAbaRoutingNumber', () => {
  // Routing numbers published by the banks themselves (Federal Reserve Banks, JPMorgan Chase, Bank of America, Wells Fargo).
  it.each(['011000015', '021000021', '026009593', '121000248', '111000025', '122105278'])('%s is valid', (number) => {
    expect(isValidAbaRoutingNumber(number)).toBe(true);
  });

  it.each(['021000022', '02100002', '0210000211', '02100002a', '', '000000000'])('%j is not', (number) => {
    expect(isValidAbaRoutingNumber(number)).toBe(false);
  });

  it('catches every single-digit change of a valid number', () => {
    fc.assert(
      fc.property(fc.constantFrom('011000015', '021000021', '026009593', '121000248'), fc.nat(8), fc.integer({ min: 1, max: 9 }), (valid, position, delta) => {
        const digits = [...valid].map(Number);
        digits[position] = (digits[position]! + delta) % 10;
        expect(isValidAbaRoutingNumber(digits.join(''))).toBe(false);
      }),
    );
  });
});

describe('maskAccountDetails', () => {
  it('shows the last four characters of each field behind a fixed-length mask', () => {
    expect(maskAccountDetails({ iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', email: 'pat@example.com', short: 'abc' })).toEqual({
      iban: '****3000',
      bic: '****FXXX',
      email: '****.com',
      short: '****',
    });
    expect(maskIdentifier('acct_1Nv0FGQ9RKHgCVdK')).toBe('****CVdK');
    expect(maskIdentifier(null)).toBeNull();
  });

  it('never reveals more than four characters, and masking twice changes nothing', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), fc.string()), (details) => {
        const once = maskAccountDetails(details);
        expect(maskAccountDetails(once)).toEqual(once);
        for (const value of Object.values(once)) expect(value.replace(/^\*{4}/, '').length).toBeLessThanOrEqual(4);
      }),
    );
  });
});
