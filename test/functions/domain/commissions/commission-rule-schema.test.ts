import { describe, it, expect } from 'vitest';
import { commissionRuleSchema, jsonNumberToDecimal } from '../../../../functions/domain/commissions/index.js';

describe('commissionRuleSchema', () => {
  it.each([
    [
      'the dictionary holiday bonus',
      { conditions: { date_range: { start: '2024-12-01', end: '2024-12-31' }, min_event_value: 100 }, actions: { commission_multiplier: 1.5, bonus_flat: 10 } },
      { conditions: { date_range: { start: '2024-12-01', end: '2024-12-31' }, min_event_value: '100' }, actions: { commission_multiplier: '1.5', bonus_flat: '10' } },
    ],
    [
      'the dictionary high-value customer bonus',
      { conditions: { customer_lifetime_value_min: 1000, event_types: ['sale', 'subscription'] }, actions: { commission_type: 'percentage', commission_value: 15 } },
      { conditions: { customer_lifetime_value_min: '1000', event_types: ['sale', 'subscription'] }, actions: { commission_type: 'percentage', commission_value: '15' } },
    ],
    [
      'the dictionary first-time buyer bonus',
      { conditions: { is_first_purchase: true, partner_tiers: ['gold', 'platinum'] }, actions: { bonus_flat: 25 } },
      { conditions: { is_first_purchase: true, partner_tiers: ['gold', 'platinum'] }, actions: { bonus_flat: '25' } },
    ],
    [
      'decimal strings are canonicalised',
      { conditions: {}, actions: { commission_multiplier: '01.250000', bonus_flat: '0.10' } },
      { conditions: {}, actions: { commission_multiplier: '1.25', bonus_flat: '0.1' } },
    ],
    [
      'JSON numbers become the decimal that was written (0.1 stays 0.1)',
      { conditions: { min_event_value: 0.1 }, actions: { bonus_flat: 0.07, commission_multiplier: 1.1 } },
      { conditions: { min_event_value: '0.1' }, actions: { bonus_flat: '0.07', commission_multiplier: '1.1' } },
    ],
  ])('accepts %s', (_label, input, output) => {
    expect(commissionRuleSchema.parse(input)).toEqual(output);
  });

  it.each([
    ['an unknown condition key', { conditions: { country: 'FR' }, actions: { bonus_flat: 1 } }],
    ['a misspelt condition key', { conditions: { min_event_values: 100 }, actions: { bonus_flat: 1 } }],
    ['an unknown action key', { conditions: {}, actions: { bonus_percent: 1 } }],
    ['an unknown key in date_range', { conditions: { date_range: { start: '2024-12-01', end: '2024-12-31', tz: 'UTC' } }, actions: { bonus_flat: 1 } }],
    ['an unknown top-level key', { conditions: {}, actions: { bonus_flat: 1 }, priority: 1 }],
    ['no actions', { conditions: {}, actions: {} }],
    ['commission_type without commission_value', { conditions: {}, actions: { commission_type: 'flat' } }],
    ['commission_value without commission_type', { conditions: {}, actions: { commission_value: 5 } }],
    ['a percentage above 100', { conditions: {}, actions: { commission_type: 'percentage', commission_value: '100.01' } }],
    ['a bonus with three decimals', { conditions: {}, actions: { bonus_flat: 1.005 } }],
    ['a negative bonus', { conditions: {}, actions: { bonus_flat: -1 } }],
    ['a multiplier in exponent form', { conditions: {}, actions: { commission_multiplier: 1e-7 } }],
    ['a multiplier as text with an exponent', { conditions: {}, actions: { commission_multiplier: '1e2' } }],
    ['an infinite multiplier', { conditions: {}, actions: { commission_multiplier: Infinity } }],
    ['an inverted date_range', { conditions: { date_range: { start: '2024-12-31', end: '2024-12-01' } }, actions: { bonus_flat: 1 } }],
    ['a non-date in date_range', { conditions: { date_range: { start: 'christmas', end: '2024-12-31' } }, actions: { bonus_flat: 1 } }],
    ['empty event_types', { conditions: { event_types: [] }, actions: { bonus_flat: 1 } }],
    ['a string is_first_purchase', { conditions: { is_first_purchase: 'yes' }, actions: { bonus_flat: 1 } }],
    ['an unknown commission_type', { conditions: {}, actions: { commission_type: 'tiered', commission_value: 1 } }],
  ])('rejects %s', (_label, input) => {
    expect(commissionRuleSchema.safeParse(input).success).toBe(false);
  });
});

describe('jsonNumberToDecimal', () => {
  it.each<[number | string, string | undefined]>([
    [1.5, '1.5'],
    [10, '10'],
    [0.1, '0.1'],
    [0.3, '0.3'],
    [19.99, '19.99'],
    [1e21, undefined],
    [Number.NaN, undefined],
    ['2.50', '2.50'],
    [' 2.5', undefined],
  ])('%s -> %s', (input, output) => {
    expect(jsonNumberToDecimal(input)).toBe(output);
  });
});
