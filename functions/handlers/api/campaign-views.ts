/**
 * Turning campaign rows into API representations and terms, and the checks shared by create and
 * patch.
 */
import type { SqlExecutor } from '../../ports/sql-executor.js';
import type { CampaignTerms } from '../../domain/campaigns/campaign-terms.js';
import { validateTiers } from '../../domain/campaigns/validate-tiers.js';
import { parseMoney } from '../../domain/money/index.js';
import { ValidationError, type FieldError } from '../../platform/http/errors.js';
import { listTiers, type CampaignRow, type TierRow } from '../../repositories/campaigns.js';

export function termsOf(row: CampaignRow, tiers: TierRow[]): CampaignTerms {
  return {
    name: row.name,
    description: row.description,
    destination_url: row.destination_url,
    default_commission_type: row.default_commission_type,
    default_commission_value: row.default_commission_value,
    cookie_duration_days: row.cookie_duration_days,
    approval_required: row.approval_required,
    is_public: row.is_public,
    max_partners: row.max_partners,
    terms_url: row.terms_url,
    promotional_guidelines: row.promotional_guidelines,
    attribution_model: row.attribution_model,
    time_decay_half_life_days: row.time_decay_half_life_days,
    approval_hold_days: row.approval_hold_days,
    tiers: tiers
      .filter((tier) => tier.campaign_version_id === row.campaign_version_id)
      .map((tier) => ({
        label: tier.label,
        min_amount: tier.min_amount,
        max_amount: tier.max_amount,
        reward_type: tier.reward_type,
        reward_value: tier.reward_value,
        reward_id: tier.reward_id ?? null,
      })),
  };
}

/** API representations of campaign rows, with their tiers (one query for the page). */
export async function campaignViews(sql: SqlExecutor, rows: CampaignRow[]) {
  const tiers = await listTiers(sql, rows.map((row) => row.campaign_version_id));
  return rows.map((row) => ({ ...row, tiers: termsOf(row, tiers).tiers }));
}

export async function campaignView(sql: SqlExecutor, row: CampaignRow) {
  return (await campaignViews(sql, [row]))[0]!;
}

/** Rules across fields of a version's terms; throws a 400 naming every failing field. */
export function assertValidTerms(terms: CampaignTerms): void {
  const errors: FieldError[] = [...validateTiers({ commissionType: terms.default_commission_type, tiers: terms.tiers })];
  if (terms.default_commission_type !== 'tiered' && terms.default_commission_value === null) {
    errors.push({ path: 'body.default_commission_value', message: 'Required unless default_commission_type is "tiered".' });
  }
  if (
    terms.default_commission_type === 'percentage' &&
    terms.default_commission_value !== null &&
    parseMoney(terms.default_commission_value) > 10000n
  ) {
    errors.push({ path: 'body.default_commission_value', message: 'A percentage is at most 100.' });
  }
  if (errors.length > 0) {
    throw new ValidationError(
      errors.length === 1 ? `Invalid body: ${errors[0]!.path} - ${errors[0]!.message}` : `Invalid body: ${errors.length} problems (see errors).`,
      errors,
    );
  }
}
