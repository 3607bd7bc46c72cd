/** The campaign form's body and the version history's "what changed". */
import { describe, expect, it } from 'vitest';
import { campaignBodyOf, campaignValuesOf, emptyCampaignValues, tierChanges, versionChanges } from '../../../../web/src/vendor/campaign-form.js';
import { explainCommission } from '../../../../web/src/vendor/explain-commission.js';

describe('campaignBodyOf', () => {
  it('sends what the user typed, typed as the API wants it, leaving empty optional numbers to the API', () => {
    const { body, errors } = campaignBodyOf({ ...emptyCampaignValues(), name: 'Summer', destination_url: 'https://shop.example/s', default_commission_value: '10.00', max_partners: '', cookie_duration_days: '45', is_public: 'no' });
    expect(errors).toEqual({});
    expect(body).toMatchObject({ name: 'Summer', default_commission_value: '10.00', cookie_duration_days: 45, is_public: false, approval_required: true, max_partners: null, tiers: [] });
  });

  it('names the tiers field when its JSON does not parse or is not a list', () => {
    expect(campaignBodyOf({ ...emptyCampaignValues(), tiers: '[{"label":' }).errors.tiers).toMatch(/not valid JSON/);
    expect(campaignBodyOf({ ...emptyCampaignValues(), tiers: '{"label":"Gold"}' }).errors.tiers).toMatch(/array/);
  });

  it('round-trips a campaign the API returned (amounts stay strings)', () => {
    const values = campaignValuesOf({
      name: 'Trail',
      description: null,
      destination_url: 'https://shop.example/t',
      currency: 'JPY',
      default_commission_type: 'tiered',
      default_commission_value: null,
      cookie_duration_days: 30,
      approval_required: false,
      is_public: true,
      max_partners: 5,
      terms_url: null,
      attribution_model: 'linear',
      approval_hold_days: 14,
      tiers: [{ label: 'Gold', min_amount: '1000', max_amount: '999999', reward_type: 'percentage', reward_value: '15' }],
    });
    const { body, errors } = campaignBodyOf(values);
    expect(errors).toEqual({});
    expect(body).toMatchObject({ currency: 'JPY', max_partners: 5, approval_required: false, tiers: [{ label: 'Gold', min_amount: '1000', reward_value: '15' }] });
    expect(body).not.toHaveProperty('default_commission_value');
  });
});

describe('versionChanges', () => {
  const fields = ['name', 'default_commission_value'] as const;
  it('lists each field that differs from the previous version', () => {
    expect(versionChanges({ name: 'A', default_commission_value: '10.00' }, { name: 'A', default_commission_value: '12.50' }, fields)).toEqual(['default_commission_value: 10.00 → 12.50']);
    expect(versionChanges(undefined, { name: 'A', default_commission_value: null }, fields)).toEqual(['first version']);
    expect(versionChanges({ name: 'A', default_commission_value: null }, { name: 'B', default_commission_value: '5' }, fields)).toEqual(['name: A → B', 'default_commission_value: — → 5']);
  });
});

describe('tierChanges', () => {
  const bronze = { label: 'Bronze', min_amount: '0.00', max_amount: '500.00', reward_type: 'percentage', reward_value: '5.00' };
  const silver = { label: 'Silver', min_amount: '500.00', max_amount: '5000.00', reward_type: 'percentage', reward_value: '8.00' };
  it('names tiers added, removed and changed, by label', () => {
    expect(tierChanges([bronze, silver], [bronze, { ...silver, reward_value: '10.00' }])).toEqual(['tier Silver: 500.00–5000.00: percentage 8.00 → 500.00–5000.00: percentage 10.00']);
    expect(tierChanges([bronze], [bronze, silver])).toEqual(['tier Silver added (500.00–5000.00: percentage 8.00)']);
    expect(tierChanges([bronze, silver], [silver])).toEqual(['tier Bronze removed']);
    expect(tierChanges(undefined, [bronze])).toEqual([]);
  });
});

describe('explainCommission', () => {
  it('states the recorded terms and the recorded amount', () => {
    expect(explainCommission({ commission_type: 'percentage', commission_value: '10', commission_amount: '12.00', event_value: '120.00', currency: 'USD' })).toBe('10 % of 120.00 USD = 12.00 USD.');
    expect(explainCommission({ commission_type: 'flat', commission_value: '500', commission_amount: '500', event_value: '5000', currency: 'JPY' })).toBe('A flat 500 JPY per conversion = 500 JPY.');
    expect(explainCommission({ commission_type: null, commission_value: null, commission_amount: null, event_value: '1', currency: 'EUR' })).toMatch(/No commission/);
  });
});
