/**
 * Turning campaign rows into API representations and terms, and the checks shared by create and
 * patch.
 */
import type { SqlExecutor } from '../../ports/sql-executor.js';
import type { CampaignTerms } from '../../domain/campaigns/campaign-terms.js';
import { validateTiers } from '../../domain/campaigns/validate-tiers.js';
import { amountValueText, currencyExponent, formatAmount, parseAmount } from '../../domain/money/currency.js';
import { formatRate, InvalidDecimalError, parseRate } from '../../domain/money/index.js';
import { ValidationError, type FieldError } from '../../platform/http/errors.js';
import { listTiers, type CampaignRow, type TierRow } from '../../repositories/campaigns/campaigns.js';

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

/**
 * A stored commission value as the API shows it: a rate with 2 decimals ("10.00"), an amount with
 * its currency's decimals ("5.00" USD, "500" JPY, "1.250" KWD). Columns are NUMERIC(13,3).
 */
export function commissionValueOut(type: string, value: string, currency: string): string;
export function commissionValueOut(type: string, value: string | null, currency: string): string | null;
export function commissionValueOut(type: string, value: string | null, currency: string): string | null {
  if (value === null) return null;
  return type === 'percentage' ? formatRate(parseRate(value)) : amountValueText(value, currency);
}

/** An amount column in its currency's decimals. */
export function amountOut(value: string, currency: string): string {
  return formatAmount(parseAmount(value, currency), currency);
}

/** API representations of campaign rows, with their tiers (one query for the page). */
export async function campaignViews(sql: SqlExecutor, rows: CampaignRow[]) {
  const tiers = await listTiers(sql, rows.map((row) => row.campaign_version_id));
  return rows.map((row) => ({
    ...row,
    default_commission_value: commissionValueOut(row.default_commission_type, row.default_commission_value, row.currency),
    tiers: termsOf(row, tiers).tiers.map((tier) => ({
      ...tier,
      min_amount: amountOut(tier.min_amount, row.currency),
      max_amount: amountOut(tier.max_amount, row.currency),
      reward_value: commissionValueOut(tier.reward_type, tier.reward_value, row.currency),
    })),
  }));
}

export async function campaignView(sql: SqlExecutor, row: CampaignRow) {
  return (await campaignViews(sql, [row]))[0]!;
}

/**
 * Problems with a value that must be an amount of `currency` (flat) or a rate (percentage):
 * "12.345" is a KWD amount but not a USD one, "500.5" is no JPY amount.
 */
function valueFits(path: string, type: string, value: string, currency: string): FieldError[] {
  try {
    if (type === 'percentage') parseRate(value);
    else parseAmount(value, currency);
    return [];
  } catch (error) {
    if (!(error instanceof InvalidDecimalError)) throw error;
    const places = type === 'percentage' ? 2 : currencyExponent(currency);
    const what = type === 'percentage' ? 'A percentage' : `An amount in ${currency}`;
    return [{ path, message: `${what} has at most ${places} decimal place${places === 1 ? '' : 's'}.` }];
  }
}

/** Rules across fields of a version's terms, in the campaign's `currency`; throws a 400 naming every failing field. */
export function assertValidTerms(terms: CampaignTerms, currency: string): void {
  const fits = [
    ...(terms.default_commission_value === null || terms.default_commission_type === 'tiered'
      ? []
      : valueFits('body.default_commission_value', terms.default_commission_type, terms.default_commission_value, currency)),
    ...terms.tiers.flatMap((tier, i) => [
      ...valueFits(`body.tiers.${i}.min_amount`, 'flat', tier.min_amount, currency),
      ...valueFits(`body.tiers.${i}.max_amount`, 'flat', tier.max_amount, currency),
      ...valueFits(`body.tiers.${i}.reward_value`, tier.reward_type, tier.reward_value, currency),
    ]),
  ];
  if (fits.length > 0) throwFieldErrors(fits);
  const errors: FieldError[] = [...validateTiers({ commissionType: terms.default_commission_type, tiers: terms.tiers, currency })];
  if (terms.default_commission_type !== 'tiered' && terms.default_commission_value === null) {
    errors.push({ path: 'body.default_commission_value', message: 'Required unless default_commission_type is "tiered".' });
  }
  if (
    terms.default_commission_type === 'percentage' &&
    terms.default_commission_value !== null &&
    parseRate(terms.default_commission_value) > 10000n
  ) {
    errors.push({ path: 'body.default_commission_value', message: 'A percentage is at most 100.' });
  }
  if (errors.length > 0) throwFieldErrors(errors);
}

function throwFieldErrors(errors: FieldError[]): never {
  throw new ValidationError(
    errors.length === 1 ? `Invalid body: ${errors[0]!.path} - ${errors[0]!.message}` : `Invalid body: ${errors.length} problems (see errors).`,
    errors,
  );
}
