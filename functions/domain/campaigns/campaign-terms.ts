/**
 * The terms of a campaign version (everything a PATCH can change) and how a patch applies to them.
 * Versions are immutable: applying a patch yields the terms of the next version, or `null` when
 * the patch changes nothing (no new version is created then).
 */
import type { TierInput } from './validate-tiers.js';

export type CommissionType = 'percentage' | 'flat' | 'tiered';
export type AttributionModel = 'first_click' | 'last_click' | 'linear' | 'time_decay' | 'position_based';

export interface CampaignTerms {
  name: string;
  description: string | null;
  destination_url: string;
  default_commission_type: CommissionType;
  /** Decimal string; null only for tiered campaigns without a default. */
  default_commission_value: string | null;
  cookie_duration_days: number;
  approval_required: boolean;
  is_public: boolean;
  max_partners: number | null;
  terms_url: string | null;
  promotional_guidelines: string | null;
  attribution_model: AttributionModel;
  time_decay_half_life_days: number;
  approval_hold_days: number;
  tiers: TierInput[];
}

export type TermsPatch = Partial<CampaignTerms>;

const termKeys: (keyof CampaignTerms)[] = [
  'name',
  'description',
  'destination_url',
  'default_commission_type',
  'default_commission_value',
  'cookie_duration_days',
  'approval_required',
  'is_public',
  'max_partners',
  'terms_url',
  'promotional_guidelines',
  'attribution_model',
  'time_decay_half_life_days',
  'approval_hold_days',
  'tiers',
];

/** Canonical form of a decimal for comparison ("10", "10.00" and the column's "10.000" are the same term). */
function canonicalMoney(value: string | null): string | null {
  if (value === null) return null;
  const [whole = '0', fraction = ''] = value.split('.');
  return `${BigInt(whole).toString()}.${fraction.padEnd(3, '0')}`;
}

function canonical(terms: CampaignTerms): unknown {
  return {
    ...terms,
    default_commission_value: canonicalMoney(terms.default_commission_value),
    tiers: terms.tiers.map((tier) => ({
      label: tier.label,
      min_amount: canonicalMoney(tier.min_amount),
      max_amount: canonicalMoney(tier.max_amount),
      reward_type: tier.reward_type,
      reward_value: canonicalMoney(tier.reward_value),
      reward_id: tier.reward_id ?? null,
    })),
  };
}

/**
 * The next version's terms: the current ones with the patch applied. Switching away from tiered
 * drops the tiers (they would mean nothing). Returns the terms and the names of changed fields.
 */
export function applyTermsPatch(current: CampaignTerms, patch: TermsPatch): { next: CampaignTerms; changed: string[] } {
  const next: CampaignTerms = { ...current };
  for (const key of termKeys) {
    if (patch[key] !== undefined) (next as unknown as Record<string, unknown>)[key] = patch[key];
  }
  if (next.default_commission_type !== 'tiered' && patch.tiers === undefined) next.tiers = [];
  const a = canonical(current) as Record<string, unknown>;
  const b = canonical(next) as Record<string, unknown>;
  const changed = termKeys.filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key]));
  return { next, changed };
}
