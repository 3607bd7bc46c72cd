import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { formatScaledDecimal, percentOf, roundHalfUp } from '../../../../functions/domain/money/index.js';
import {
  calculateCommission,
  type CalculateCommissionInput,
  type CommissionOverride,
  type CommissionRule,
  type CommissionTier,
} from '../../../../functions/domain/commissions/index.js';

const occurredAt = new Date('2024-12-15T12:00:00Z');
const before = new Date('2024-12-01T00:00:00Z');
const after = new Date('2025-01-01T00:00:00Z');

const tiers: CommissionTier[] = [
  { campaignTierId: 1, label: 'Bronze', minAmount: '0.00', maxAmount: '1000.00', rewardType: 'percentage', rewardValue: '5.00', rewardId: 11 },
  { campaignTierId: 2, label: 'Silver', minAmount: '1000.00', maxAmount: '5000.00', rewardType: 'percentage', rewardValue: '10.00', rewardId: 12 },
  { campaignTierId: 3, label: 'Gold', minAmount: '5000.00', maxAmount: '99999999.99', rewardType: 'percentage', rewardValue: '15.00', rewardId: 13 },
];

/** A $100.00 sale by a gold partner, campaign default 8 %, event type default 2 %. */
function base(overrides: Partial<CalculateCommissionInput> = {}): CalculateCommissionInput {
  return {
    event: { eventType: 'sale', eventValueCents: 10_000n, occurredAt, isFirstPurchase: true, customerLifetimeValueCents: 150_000n },
    eventType: { conversionEventTypeId: 5, name: 'sale', isCommissionable: true, defaultCommissionType: 'percentage', defaultCommissionValue: '2.00' },
    partner: { partnerId: 42, tier: 'gold' },
    overrides: [],
    rules: [],
    campaignVersion: { defaultCommissionType: 'percentage', defaultCommissionValue: '8.00', tiers: [] },
    partnerPeriodRevenueCents: 0n,
    ...overrides,
  };
}

const specific: CommissionOverride = { partnerCampaignOverrideId: 901, conversionEventTypeId: 5, commissionType: 'percentage', commissionValue: '20.00', validFrom: before, validUntil: null };
const generic: CommissionOverride = { partnerCampaignOverrideId: 902, conversionEventTypeId: null, commissionType: 'flat', commissionValue: '12.50', validFrom: before, validUntil: null };
const rule = (id: number, conditions: unknown, actions: unknown, extra: Partial<CommissionRule> = {}): CommissionRule => ({
  commissionRuleId: id,
  active: true,
  validFrom: before,
  validUntil: after,
  conditions,
  actions,
  ...extra,
});
const bonusRule = rule(7, {}, { bonus_flat: 3 });

describe('precedence', () => {
  it.each<[string, Partial<CalculateCommissionInput>, bigint, string, string | null, number | null]>([
    // [label, input changes, cents, source, value, rule]
    ['event-type specific override beats generic, rules, tiers, defaults', { overrides: [generic, specific], rules: [bonusRule], campaignVersion: { defaultCommissionType: 'tiered', tiers } }, 2000n, 'override', '20.00', null], // $20.00
    ['generic override when no specific one is valid', { overrides: [{ ...specific, validUntil: before }, generic], rules: [bonusRule] }, 1250n, 'override', '12.50', null], // $12.50
    ['a specific override for another event type is ignored', { overrides: [{ ...specific, conversionEventTypeId: 6 }] }, 800n, 'campaign_default', '8.00', null],
    ['specific override matched by event type name', { overrides: [{ ...specific, conversionEventTypeId: null, eventTypeName: 'sale' }] }, 2000n, 'override', '20.00', null],
    ['override not yet valid at occurred_at', { overrides: [{ ...generic, validFrom: after }] }, 800n, 'campaign_default', '8.00', null],
    ['first matching active rule when no override', { rules: [bonusRule], campaignVersion: { defaultCommissionType: 'tiered', tiers }, partnerPeriodRevenueCents: 600_000n }, 1800n, 'rule', '15.00', 7], // Gold 15 % = $15.00 + $3.00 bonus
    ['tier by period revenue when no override or rule', { campaignVersion: { defaultCommissionType: 'tiered', tiers }, partnerPeriodRevenueCents: 250_000n }, 1000n, 'tier', '10.00', null], // $2,500 -> Silver 10 % = $10.00
    ['campaign version default', {}, 800n, 'campaign_default', '8.00', null], // 8 % = $8.00
    ['event type default when the version has none', { campaignVersion: { defaultCommissionType: 'tiered', tiers: [] } }, 200n, 'event_type_default', '2.00', null], // 2 % = $2.00
    ['nothing configured earns 0', { campaignVersion: { defaultCommissionType: 'tiered', tiers: [] }, eventType: { name: 'sale', isCommissionable: true } }, 0n, 'event_type_default', null, null],
    ['non-commissionable earns nothing, whatever else applies', { overrides: [specific], rules: [bonusRule], eventType: { conversionEventTypeId: 5, name: 'sale', isCommissionable: false, defaultCommissionType: 'flat', defaultCommissionValue: '5.00' } }, 0n, 'not_commissionable', null, null],
  ])('%s', (_label, changes, cents, source, value, ruleId) => {
    const result = calculateCommission(base(changes));
    expect(result.commissionCents).toBe(cents);
    expect(result.source).toBe(source);
    expect(result.commissionValue).toBe(value);
    expect(result.appliedCommissionRuleId).toBe(ruleId);
    expect(result.explanation).toMatch(/\S/);
  });

  it('records the tier reward and tier id', () => {
    const result = calculateCommission(base({ campaignVersion: { defaultCommissionType: 'tiered', tiers }, partnerPeriodRevenueCents: 600_000n }));
    expect(result).toMatchObject({ rewardId: 13, campaignTierId: 3, commissionType: 'percentage', commissionValue: '15.00', commissionCents: 1500n });
    expect(result.explanation).toBe('Tier "Gold" #3 (period revenue $6000.00 in $5000.00-$99999999.99): 15.00% of $100.00 = $15.00.');
  });

  it('records the override id and explains it', () => {
    const result = calculateCommission(base({ overrides: [specific] }));
    expect(result.partnerCampaignOverrideId).toBe(901);
    expect(result.explanation).toBe('Partner override #901 for "sale": 20.00% of $100.00 = $20.00.');
  });

  it('among several valid specific overrides the latest validFrom wins', () => {
    const newer = { ...specific, partnerCampaignOverrideId: 903, commissionValue: '25.00', validFrom: new Date('2024-12-10T00:00:00Z') };
    expect(calculateCommission(base({ overrides: [newer, specific] })).commissionCents).toBe(2500n);
    expect(calculateCommission(base({ overrides: [specific, newer] })).commissionCents).toBe(2500n);
  });

  it('override validity is half-open: valid at validFrom, not at validUntil', () => {
    const o = { ...generic, validFrom: occurredAt, validUntil: new Date(occurredAt.getTime() + 1) };
    expect(calculateCommission(base({ overrides: [o] })).source).toBe('override');
    expect(calculateCommission(base({ overrides: [{ ...o, validFrom: before, validUntil: occurredAt }] })).source).toBe('campaign_default');
  });
});

describe('tiers at their boundaries (Bronze 0-1000 5 %, Silver 1000-5000 10 %, Gold 5000+ 15 %; $100.00 sale)', () => {
  it.each([
    [0n, 'Bronze', 500n], // $0.00
    [99_999n, 'Bronze', 500n], // $999.99
    [100_000n, 'Silver', 1000n], // $1,000.00: min inclusive
    [499_999n, 'Silver', 1000n], // $4,999.99
    [500_000n, 'Gold', 1500n], // $5,000.00
    [9_999_999_999n, 'Gold', 1500n], // $99,999,999.99: top max inclusive
    [20_000_000_000n, 'Gold', 1500n], // beyond the top: still Gold
  ])('period revenue %s cents -> %s', (revenue, label, cents) => {
    const result = calculateCommission(base({ campaignVersion: { defaultCommissionType: 'tiered', tiers }, partnerPeriodRevenueCents: revenue }));
    expect(result.commissionCents).toBe(cents);
    expect(result.explanation).toContain(`"${label}"`);
  });

  it('revenue below the lowest tier falls through to the version default', () => {
    const raised = tiers.map((t, i) => (i === 0 ? { ...t, minAmount: '100.00' } : t));
    const result = calculateCommission(
      base({ campaignVersion: { defaultCommissionType: 'percentage', defaultCommissionValue: '8.00', tiers: raised }, partnerPeriodRevenueCents: 9_999n }),
    );
    expect(result.source).toBe('campaign_default');
  });

  it('flat tiers pay the flat amount', () => {
    const flat: CommissionTier[] = [{ campaignTierId: 9, minAmount: '0', maxAmount: '10', rewardType: 'flat', rewardValue: '7.5' }];
    expect(calculateCommission(base({ campaignVersion: { defaultCommissionType: 'tiered', tiers: flat } }))).toMatchObject({
      commissionCents: 750n,
      commissionType: 'flat',
      commissionValue: '7.50',
    });
  });
});

describe('rule conditions (rule: +$3.00 bonus on the 8 % default = $11.00 when it matches, $8.00 when not)', () => {
  it.each<[string, unknown, boolean]>([
    ['date_range inside', { date_range: { start: '2024-12-01', end: '2024-12-31' } }, true],
    ['date_range: date-only end includes the whole day', { date_range: { start: '2024-12-01', end: '2024-12-15' } }, true],
    ['date_range before', { date_range: { start: '2024-12-16', end: '2024-12-31' } }, false],
    ['date_range with timestamps, end exclusive-of-later', { date_range: { start: '2024-12-15T00:00:00Z', end: '2024-12-15T11:59:59Z' } }, false],
    ['min_event_value met exactly ($100.00)', { min_event_value: 100 }, true],
    ['min_event_value not met ($100.01)', { min_event_value: '100.01' }, false],
    ['event_types includes sale', { event_types: ['sale', 'subscription'] }, true],
    ['event_types excludes sale', { event_types: ['signup'] }, false],
    ['partner_tiers includes gold', { partner_tiers: ['Gold', 'platinum'] }, true],
    ['partner_tiers excludes gold', { partner_tiers: ['silver'] }, false],
    ['is_first_purchase true', { is_first_purchase: true }, true],
    ['is_first_purchase false', { is_first_purchase: false }, false],
    ['customer_lifetime_value_min met ($1,500 >= $1,000)', { customer_lifetime_value_min: 1000 }, true],
    ['customer_lifetime_value_min not met', { customer_lifetime_value_min: '1500.01' }, false],
    ['all conditions together', { date_range: { start: '2024-12-01', end: '2024-12-31' }, min_event_value: 100, event_types: ['sale'], partner_tiers: ['gold'], is_first_purchase: true, customer_lifetime_value_min: 1000 }, true],
    ['empty conditions always match', {}, true],
  ])('%s', (_label, conditions, matches) => {
    const result = calculateCommission(base({ rules: [rule(1, conditions, { bonus_flat: 3 })] }));
    expect(result.commissionCents).toBe(matches ? 1100n : 800n);
    expect(result.appliedCommissionRuleId).toBe(matches ? 1 : null);
  });

  it.each<[string, Partial<CalculateCommissionInput['event']>, unknown]>([
    ['unknown first-purchase flag', { isFirstPurchase: undefined }, { is_first_purchase: false }],
    ['unknown lifetime value', { customerLifetimeValueCents: null }, { customer_lifetime_value_min: 0 }],
    ['no event value', { eventValueCents: null }, { min_event_value: 0 }],
  ])('%s never satisfies a condition that needs it', (_label, eventChanges, conditions) => {
    const input = base({ rules: [rule(1, conditions, { bonus_flat: 3 })] });
    input.event = { ...input.event, ...eventChanges };
    expect(calculateCommission(input).appliedCommissionRuleId).toBeNull();
  });
});

describe('rule actions on a $100.00 sale with an 8 % default', () => {
  it.each<[string, unknown, bigint, string, string]>([
    ['commission_multiplier 1.5', { commission_multiplier: 1.5 }, 1200n, 'percentage', '8.00'], // $8.00 x 1.5 = $12.00
    ['bonus_flat 10', { bonus_flat: 10 }, 1800n, 'percentage', '8.00'], // $8.00 + $10.00
    ['commission_type + commission_value replace the base', { commission_type: 'percentage', commission_value: 15 }, 1500n, 'percentage', '15.00'], // 15 % = $15.00
    ['flat replacement', { commission_type: 'flat', commission_value: '4.25' }, 425n, 'flat', '4.25'],
    ['replace, then multiply, then add', { commission_type: 'flat', commission_value: 10, commission_multiplier: '1.5', bonus_flat: 2.5 }, 1750n, 'flat', '10.00'], // $10 x 1.5 + $2.50
    ['the dictionary holiday rule', { commission_multiplier: 1.5, bonus_flat: 10 }, 2200n, 'percentage', '8.00'], // $8 x 1.5 + $10
  ])('%s', (_label, actions, cents, type, value) => {
    const result = calculateCommission(base({ rules: [rule(3, {}, actions)] }));
    expect(result).toMatchObject({ commissionCents: cents, commissionType: type, commissionValue: value, source: 'rule', appliedCommissionRuleId: 3 });
  });

  it('rounds once, at the end: 10 % of $99.95 x 1.5 = $14.9925 -> $14.99', () => {
    const input = base({ rules: [rule(3, {}, { commission_multiplier: 1.5 })], campaignVersion: { defaultCommissionType: 'percentage', defaultCommissionValue: '10.00' } });
    input.event = { ...input.event, eventValueCents: 9_995n };
    // rounding 9.995 -> 10.00 first would give $15.00
    expect(calculateCommission(input).commissionCents).toBe(1499n);
  });

  it('explains the rule', () => {
    const result = calculateCommission(base({ rules: [rule(3, {}, { commission_multiplier: 1.5, bonus_flat: 10 })] }));
    expect(result.explanation).toBe('Rule #3 on campaign default: 8.00% of $100.00, x1.5, + $10.00 bonus = $22.00.');
  });

  it('a multiplier on a tier keeps the tier reward', () => {
    const result = calculateCommission(
      base({ rules: [rule(3, {}, { commission_multiplier: 2 })], campaignVersion: { defaultCommissionType: 'tiered', tiers }, partnerPeriodRevenueCents: 100_000n }),
    );
    expect(result).toMatchObject({ commissionCents: 2000n, rewardId: 12, campaignTierId: 2, source: 'rule' });
  });
});

describe('rule selection', () => {
  const matching = rule(2, {}, { bonus_flat: 1 });
  it.each<[string, CommissionRule[], number | null]>([
    ['lowest matching id wins even if given out of order', [rule(3, {}, { bonus_flat: 5 }), matching], 2],
    ['first matching by id', [rule(1, { event_types: ['signup'] }, { bonus_flat: 9 }), matching, rule(3, {}, { bonus_flat: 5 })], 2],
    ['inactive rules are skipped', [{ ...matching, active: false }, rule(3, {}, { bonus_flat: 5 })], 3],
    ['rules not yet valid are skipped', [{ ...matching, validFrom: after }], null],
    ['expired rules are skipped', [{ ...matching, validUntil: occurredAt }], null],
    ['open-ended rules apply', [{ ...matching, validFrom: null, validUntil: null }], 2],
  ])('%s', (_label, rules, applied) => {
    expect(calculateCommission(base({ rules })).appliedCommissionRuleId).toBe(applied);
  });

  it('a stored rule with an unknown condition throws instead of being ignored', () => {
    expect(() => calculateCommission(base({ rules: [rule(1, { country: 'FR' }, { bonus_flat: 1 })] }))).toThrow();
  });
});

describe('percentages without a value', () => {
  it('a percentage of a missing event value is 0', () => {
    const input = base();
    input.event = { ...input.event, eventValueCents: undefined };
    expect(calculateCommission(input)).toMatchObject({ commissionCents: 0n, source: 'campaign_default' });
  });
  it('a flat commission needs no value (a signup at $5.00)', () => {
    const input = base({ campaignVersion: { defaultCommissionType: 'flat', defaultCommissionValue: '5' } });
    input.event = { ...input.event, eventType: 'signup', eventValueCents: null };
    expect(calculateCommission(input)).toMatchObject({ commissionCents: 500n, commissionValue: '5.00' });
  });
});

describe('properties', () => {
  it('a percentage default is exactly percentOf the sale, and a multiplier+bonus rule rounds the exact amount once', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 10n }),
        fc.bigInt({ min: 0n, max: 10_000n }),
        fc.bigInt({ min: 0n, max: 10_000_000n }),
        fc.bigInt({ min: 0n, max: 100_000n }),
        (valueCents, bp, multiplierMicros, bonusCents) => {
          const rate = formatScaledDecimal(bp, 2);
          const input = base({ campaignVersion: { defaultCommissionType: 'percentage', defaultCommissionValue: rate } });
          input.event = { ...input.event, eventValueCents: valueCents };
          expect(calculateCommission(input).commissionCents).toBe(percentOf(valueCents, bp));

          const multiplier = formatScaledDecimal(multiplierMicros, 6);
          const bonus = formatScaledDecimal(bonusCents, 2);
          const withRule = calculateCommission({ ...input, rules: [rule(1, {}, { commission_multiplier: multiplier, bonus_flat: bonus })] });
          const exact = roundHalfUp(valueCents * bp * multiplierMicros + bonusCents * 10_000n * 1_000_000n, 10_000n * 1_000_000n);
          expect(withRule.commissionCents).toBe(exact);
          expect(withRule.commissionCents >= 0n).toBe(true);
        },
      ),
    );
  });
});
