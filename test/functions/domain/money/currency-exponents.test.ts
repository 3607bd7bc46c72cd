/**
 * Splits and refunds are exact in every minor unit ISO 4217 uses: 0 (JPY), 2 (USD), 3 (KWD).
 * The currencies' decimals come from the `currency-codes` package (currencyExponent), never from
 * this file; amounts are generated as the decimal strings a vendor or provider sends.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planRefund, refundEventFromMessage, type RefundTarget } from '../../../../functions/domain/conversions/index.js';
import { currencyExponent, formatAmount, parseAmount } from '../../../../functions/domain/money/currency.js';
import { calculateCommission } from '../../../../functions/domain/commissions/index.js';
import { formatScaledDecimal, percentOf, splitLargestRemainder } from '../../../../functions/domain/money/index.js';
import { ledgerInCurrency } from '../../../../functions/domain/conversions/index.js';

const currencies = ['JPY', 'USD', 'KWD'] as const;

it('the three test currencies cover exponents 0, 2 and 3 (ISO 4217)', () => {
  expect(currencies.map(currencyExponent)).toEqual([0, 2, 3]);
});

/** A sale as the decimal string of its currency ("5000", "49.99", "12.345"). */
const saleOf = (currency: string) =>
  fc.bigInt({ min: 1n, max: 10n ** 9n }).map((minor) => ({ minor, decimal: formatAmount(minor, currency) }));

describe.each(currencies)('%s', (currency) => {
  it('a percentage commission rounds half-up once, at the currency\'s minor unit', () => {
    fc.assert(
      fc.property(saleOf(currency), fc.integer({ min: 0, max: 10_000 }), ({ minor, decimal }, bp) => {
        const result = calculateCommission({
          event: { eventType: 'sale', eventValueCents: parseAmount(decimal, currency), occurredAt: new Date('2026-01-01T00:00:00Z') },
          eventType: { name: 'sale', isCommissionable: true },
          partner: { partnerId: 1, tier: 'standard' },
          campaignVersion: { defaultCommissionType: 'percentage', defaultCommissionValue: formatScaledDecimal(BigInt(bp), 2) },
          currency,
        });
        // The exact value minor x bp / 10000, rounded half-up: never a finer unit than the currency's.
        expect(result.commissionCents).toBe(percentOf(minor, BigInt(bp)));
        expect(parseAmount(formatAmount(result.commissionCents, currency), currency)).toBe(result.commissionCents);
      }),
    );
  });

  it('the touches of a commission sum exactly to it', () => {
    fc.assert(
      fc.property(saleOf(currency), fc.array(fc.bigInt({ min: 1n, max: 10_000n }), { minLength: 1, maxLength: 8 }), ({ minor }, weights) => {
        const commission = percentOf(minor, 1000n);
        const parts = splitLargestRemainder(commission, weights);
        expect(parts.reduce((a, b) => a + b, 0n)).toBe(commission);
        // Each part is a whole minor unit of the currency and differs from its exact share by less than one.
        for (const [i, part] of parts.entries()) {
          const sum = weights.reduce((a, b) => a + b, 0n);
          const exact = commission * weights[i]!;
          expect(part * sum - exact < sum && exact - part * sum < sum).toBe(true);
        }
      }),
    );
  });

  it('refunds in the sale\'s currency re-split exactly, whatever their order, and never exceed the sale', () => {
    fc.assert(
      fc.property(
        saleOf(currency),
        fc.array(fc.bigInt({ min: 1n, max: 8n }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 9n }), { minLength: 1, maxLength: 3 }),
        ({ minor: sale }, weights, refundSeeds) => {
          const commission = percentOf(sale, 1000n);
          const values = splitLargestRemainder(commission, weights);
          const target: RefundTarget = {
            status: 'pending',
            rejectionReason: null,
            saleCents: sale,
            originalCommissionCents: commission,
            commissionCents: commission,
            refundedCents: 0n,
            touches: weights.map((weight, i) => ({ touchId: i + 1, partnerId: i + 1, campaignVersionId: 1, weight, value: values[i]! })),
            adjustmentsByPartner: new Map(),
          };
          // Each refund as a provider sends it: a decimal string in the sale's currency, carried
          // through the ledger's thousandths and back into the currency's minor units.
          const refunds = refundSeeds.map((seed, i) =>
            refundEventFromMessage({ source: 'api', provider_event_id: `re_${i}`, reason: 'refund', amount: formatAmount(1n + (seed % sale), currency) }),
          );
          const inCurrency = ledgerInCurrency(refunds, currency);
          inCurrency.forEach((event, i) => expect(event.amountCents).toBe(1n + (refundSeeds[i]! % sale)));
          const forward = planRefund(target, inCurrency);
          const backward = planRefund(target, [...inCurrency].reverse());
          expect(backward).toEqual(forward);
          if (forward.kind !== 'apply') throw new Error('a refund of a pending sale applies');
          expect(forward.refundedCents <= sale).toBe(true);
          expect(forward.commissionCents <= commission).toBe(true);
          expect(forward.touchValues.reduce((a, t) => a + t.value, 0n)).toBe(forward.commissionCents);
        },
      ),
    );
  });
});

it('a refund amount finer than the sale\'s currency is refused, not rounded', () => {
  const [event] = [refundEventFromMessage({ source: 'api', provider_event_id: 're_1', reason: 'refund', amount: '10.5' })];
  expect(() => ledgerInCurrency([event!], 'JPY')).toThrow(/decimal/);
  expect(ledgerInCurrency([event!], 'USD')[0]!.amountCents).toBe(1050n);
  expect(ledgerInCurrency([event!], 'KWD')[0]!.amountCents).toBe(10_500n);
});

describe('vendor-wide amounts read in a campaign\'s currency', () => {
  const base = {
    eventType: { name: 'sale', isCommissionable: true },
    partner: { partnerId: 1, tier: 'standard' },
    campaignVersion: { defaultCommissionType: 'percentage' as const, defaultCommissionValue: '10.00' },
  };
  const event = (minor: bigint) => ({ eventType: 'sale', eventValueCents: minor, occurredAt: new Date('2026-01-01T00:00:00Z') });
  const rule = { commissionRuleId: 1, active: true, conditions: { min_event_value: '4999.50' }, actions: { bonus_flat: '0.50' } };

  it('a rule finer than the yen is compared and added exactly, then rounded once: ¥5000 -> 500 + 0.50 = ¥501', () => {
    const result = calculateCommission({ ...base, event: event(5000n), rules: [rule], currency: 'JPY' });
    expect(result).toMatchObject({ commissionCents: 501n, appliedCommissionRuleId: 1 });
    expect(result.explanation).toBe('Rule #1 on campaign default: 10.00% of 5000 JPY, + 0.500 JPY bonus = 501 JPY.');
    // ¥4999 is below 4999.50: the rule does not apply.
    expect(calculateCommission({ ...base, event: event(4999n), rules: [rule], currency: 'JPY' })).toMatchObject({ commissionCents: 500n, appliedCommissionRuleId: null });
  });

  it('the same rule on a USD campaign reads dollars', () => {
    const result = calculateCommission({ ...base, event: event(500_000n), rules: [rule], currency: 'USD' });
    expect(result).toMatchObject({ commissionCents: 50_050n });
    expect(result.explanation).toBe('Rule #1 on campaign default: 10.00% of $5000.00, + $0.50 bonus = $500.50.');
  });
});
