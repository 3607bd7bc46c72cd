import { describe, expect, it } from 'vitest';
import { applyTermsPatch, type CampaignTerms } from '../../../../functions/domain/campaigns/campaign-terms.js';
import { transitionCampaign } from '../../../../functions/domain/campaigns/transition-campaign.js';
import { validateTiers, type TierInput } from '../../../../functions/domain/campaigns/validate-tiers.js';

const tier = (label: string, min: string, max: string, value = '5'): TierInput => ({
  label,
  min_amount: min,
  max_amount: max,
  reward_type: 'percentage',
  reward_value: value,
});

describe('validateTiers', () => {
  it('accepts contiguous ascending tiers (Bronze $0-$1000, Silver $1000-$5000, Gold $5000+)', () => {
    const tiers = [tier('Bronze', '0', '1000'), tier('Silver', '1000.00', '5000'), tier('Gold', '5000', '99999999.99', '15')];
    expect(validateTiers({ commissionType: 'tiered', tiers })).toEqual([]);
  });

  it.each([
    ['none when tiered', 'tiered', [], 'body.tiers'],
    ['a gap', 'tiered', [tier('A', '0', '100'), tier('B', '100.01', '200')], 'body.tiers.1.min_amount'],
    ['an overlap', 'tiered', [tier('A', '0', '100'), tier('B', '99.99', '200')], 'body.tiers.1.min_amount'],
    ['an empty range', 'tiered', [tier('A', '10', '10')], 'body.tiers.0.max_amount'],
    ['a percentage above 100', 'tiered', [tier('A', '0', '10', '100.01')], 'body.tiers.0.reward_value'],
    ['duplicate labels', 'tiered', [tier('A', '0', '10'), tier('A', '10', '20')], 'body.tiers.1.label'],
    ['tiers on a flat campaign', 'flat', [tier('A', '0', '10')], 'body.tiers'],
  ])('refuses %s', (_label, commissionType, tiers, path) => {
    expect(validateTiers({ commissionType, tiers: tiers as TierInput[] }).map((e) => e.path)).toContain(path);
  });
});

const base: CampaignTerms = {
  name: 'Summer',
  description: null,
  destination_url: 'https://shop.example.com/',
  default_commission_type: 'percentage',
  default_commission_value: '10.00',
  cookie_duration_days: 30,
  approval_required: false,
  is_public: true,
  max_partners: null,
  terms_url: null,
  promotional_guidelines: null,
  attribution_model: 'last_click',
  time_decay_half_life_days: 7,
  approval_hold_days: 30,
  tiers: [],
};

describe('applyTermsPatch', () => {
  it('reports only real changes ("10" equals "10.00")', () => {
    expect(applyTermsPatch(base, { default_commission_value: '10' }).changed).toEqual([]);
    const { next, changed } = applyTermsPatch(base, { default_commission_value: '12.5', max_partners: 5 });
    expect(changed).toEqual(['default_commission_value', 'max_partners']);
    expect(next).toMatchObject({ default_commission_value: '12.5', max_partners: 5, name: 'Summer' });
  });

  it('drops tiers when leaving the tiered type', () => {
    const tiered = { ...base, default_commission_type: 'tiered' as const, tiers: [tier('A', '0', '10')] };
    const { next, changed } = applyTermsPatch(tiered, { default_commission_type: 'flat', default_commission_value: '5.00' });
    expect(next.tiers).toEqual([]);
    expect(changed).toEqual(expect.arrayContaining(['default_commission_type', 'tiers']));
  });
});

describe('transitionCampaign', () => {
  it.each([
    ['active', 'pause', { ok: true, to: 'paused', changed: true }],
    ['paused', 'resume', { ok: true, to: 'active', changed: true }],
    ['paused', 'pause', { ok: true, to: 'paused', changed: false }],
    ['active', 'archive', { ok: true, to: 'archived', changed: true }],
    ['paused', 'archive', { ok: true, to: 'archived', changed: true }],
  ] as const)('%s + %s', (from, action, expected) => {
    expect(transitionCampaign({ from, action })).toEqual(expected);
  });

  it('archived is final', () => {
    expect(transitionCampaign({ from: 'archived', action: 'resume' }).ok).toBe(false);
    expect(transitionCampaign({ from: 'archived', action: 'pause' }).ok).toBe(false);
  });
});
