/**
 * The campaign form's values (strings, as inputs hold them) to and from the API's body. Tiers are
 * edited as JSON (an array of { label, min_amount, max_amount, reward_type, reward_value }): the
 * API validates them and its errors name the tier and field.
 */

export const commissionTypes = ['percentage', 'flat', 'tiered'] as const;
export const attributionModels = ['last_click', 'first_click', 'linear', 'time_decay', 'position_based'] as const;

export type CampaignValues = Record<string, string>;

export function emptyCampaignValues(): CampaignValues {
  return {
    name: '',
    description: '',
    destination_url: '',
    currency: 'USD',
    default_commission_type: 'percentage',
    default_commission_value: '',
    cookie_duration_days: '30',
    approval_required: 'yes',
    is_public: 'yes',
    max_partners: '',
    terms_url: '',
    attribution_model: 'last_click',
    approval_hold_days: '30',
    tiers: '[]',
  };
}

interface CampaignView {
  name: string;
  description: string | null;
  destination_url: string;
  currency: string;
  default_commission_type: string;
  default_commission_value: string | null;
  cookie_duration_days: number;
  approval_required: boolean;
  is_public: boolean;
  max_partners: number | null;
  terms_url: string | null;
  attribution_model: string;
  approval_hold_days: number;
  tiers: unknown[];
}

export function campaignValuesOf(c: CampaignView): CampaignValues {
  return {
    name: c.name,
    description: c.description ?? '',
    destination_url: c.destination_url,
    currency: c.currency,
    default_commission_type: c.default_commission_type,
    default_commission_value: c.default_commission_value ?? '',
    cookie_duration_days: String(c.cookie_duration_days),
    approval_required: c.approval_required ? 'yes' : 'no',
    is_public: c.is_public ? 'yes' : 'no',
    max_partners: c.max_partners === null ? '' : String(c.max_partners),
    terms_url: c.terms_url ?? '',
    attribution_model: c.attribution_model,
    approval_hold_days: String(c.approval_hold_days),
    tiers: JSON.stringify(c.tiers, null, 2),
  };
}

import type { paths } from '../api/schema.js';

export type CreateCampaignBody = paths['/v1/campaigns']['post']['requestBody']['content']['application/json'];
type Tier = NonNullable<CreateCampaignBody['tiers']>[number];

/** The request body; a field the user left empty is left out (the API's default), `tiers` must parse as JSON. */
export function campaignBodyOf(v: CampaignValues): { body: CreateCampaignBody; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const body: CreateCampaignBody = {
    name: v.name ?? '',
    destination_url: v.destination_url ?? '',
    currency: v.currency,
    default_commission_type: v.default_commission_type as CreateCampaignBody['default_commission_type'],
    approval_required: v.approval_required === 'yes',
    is_public: v.is_public === 'yes',
    attribution_model: v.attribution_model as CreateCampaignBody['attribution_model'],
    description: v.description ? v.description : null,
    terms_url: v.terms_url ? v.terms_url : null,
    max_partners: v.max_partners ? Number(v.max_partners) : null,
  };
  if (v.default_commission_value) body.default_commission_value = v.default_commission_value;
  if (v.cookie_duration_days) body.cookie_duration_days = Number(v.cookie_duration_days);
  if (v.approval_hold_days) body.approval_hold_days = Number(v.approval_hold_days);
  if (v.tiers?.trim()) {
    try {
      const tiers: unknown = JSON.parse(v.tiers);
      if (!Array.isArray(tiers)) errors.tiers = 'must be a JSON array of tiers';
      else body.tiers = tiers as Tier[];
    } catch (e) {
      errors.tiers = `not valid JSON: ${(e as Error).message}`;
    }
  }
  return { body, errors };
}

/** What changed from one version to the next, field by field (fields the versions list carries). */
export function versionChanges<T extends Record<string, unknown>>(previous: T | undefined, next: T, fields: readonly (keyof T & string)[]): string[] {
  if (!previous) return ['first version'];
  return fields.filter((f) => JSON.stringify(previous[f]) !== JSON.stringify(next[f])).map((f) => `${f}: ${show(previous[f])} → ${show(next[f])}`);
}

interface VersionTier {
  label: string;
  min_amount: string;
  max_amount: string;
  reward_type: string;
  reward_value: string;
}

/** Tiers added, removed or changed (by label) from one version to the next. */
export function tierChanges(previous: readonly VersionTier[] | undefined, next: readonly VersionTier[]): string[] {
  if (!previous) return [];
  const describe = (t: VersionTier) => `${t.min_amount}–${t.max_amount}: ${t.reward_type} ${t.reward_value}`;
  const before = new Map(previous.map((t) => [t.label, t]));
  const after = new Map(next.map((t) => [t.label, t]));
  const lines: string[] = [];
  for (const [label, t] of after) {
    const old = before.get(label);
    if (!old) lines.push(`tier ${label} added (${describe(t)})`);
    else if (describe(old) !== describe(t)) lines.push(`tier ${label}: ${describe(old)} → ${describe(t)}`);
  }
  for (const label of before.keys()) if (!after.has(label)) lines.push(`tier ${label} removed`);
  return lines;
}

function show(v: unknown): string {
  return v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v);
}
