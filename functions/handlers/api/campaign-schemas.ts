/**
 * Zod schemas of campaigns and their versions, shared by the vendor and partner routes.
 */
import { z } from 'zod';
import { validateDestinationUrl } from '../../domain/links/validate-destination-url.js';
import { isCurrencyCode } from '../../domain/money/currency.js';

/**
 * A campaign amount or rate: a decimal string with up to 3 places. Whether it fits is judged
 * against the campaign's currency (assertValidTerms): "5000" JPY, "12.35" USD, "1.234" KWD, and a
 * rate has at most 2 places.
 */
const moneyString = z
  .string()
  .regex(/^\d{1,8}(\.\d{1,3})?$/, 'Expected a decimal string with at most 3 decimals (as many as the currency has), e.g. "12.35".');

/** An ISO 4217 code of a currency people pay in, upper case ("USD", "EUR", "JPY"). */
export const currencyCode = z
  .string()
  .refine((value) => isCurrencyCode(value), { message: 'Expected an upper-case ISO 4217 currency code, e.g. "USD", "EUR", "JPY".' });

export const destinationUrl = z
  .string()
  .max(2048)
  .superRefine((value, ctx) => {
    const result = validateDestinationUrl(value);
    if (!result.ok) ctx.addIssue({ code: 'custom', message: `Invalid destination: ${result.reason}.` });
  });

export const tierSchema = z.strictObject({
  label: z.string().trim().min(1).max(50),
  min_amount: moneyString,
  max_amount: moneyString,
  reward_type: z.enum(['flat', 'percentage']),
  reward_value: moneyString,
  reward_id: z.number().int().positive().nullable().optional(),
});

export const commissionType = z.enum(['percentage', 'flat', 'tiered']);
export const attributionModel = z.enum(['first_click', 'last_click', 'linear', 'time_decay', 'position_based']);

const termFields = {
  name: z.string().trim().min(1).max(255),
  description: z.string().max(10_000).nullable(),
  destination_url: destinationUrl,
  default_commission_type: commissionType,
  default_commission_value: moneyString.nullable(),
  cookie_duration_days: z.number().int().min(1).max(3650),
  approval_required: z.boolean(),
  is_public: z.boolean(),
  max_partners: z.number().int().min(0).max(1_000_000).nullable(),
  terms_url: z.url({ protocol: /^https?$/ }).max(2048).nullable(),
  promotional_guidelines: z.string().max(10_000).nullable(),
  attribution_model: attributionModel,
  time_decay_half_life_days: z.number().int().min(1).max(365),
  approval_hold_days: z.number().int().min(0).max(365),
  tiers: z.array(tierSchema).max(20),
};

export const createCampaignBody = z.strictObject({
  /** Fixed for the campaign's life: its tiers, flat commissions and rewards are amounts of it. */
  currency: currencyCode.optional(),
  name: termFields.name,
  description: termFields.description.optional(),
  destination_url: termFields.destination_url,
  default_commission_type: termFields.default_commission_type,
  default_commission_value: termFields.default_commission_value.optional(),
  cookie_duration_days: termFields.cookie_duration_days.optional(),
  approval_required: termFields.approval_required.optional(),
  is_public: termFields.is_public.optional(),
  max_partners: termFields.max_partners.optional(),
  terms_url: termFields.terms_url.optional(),
  promotional_guidelines: termFields.promotional_guidelines.optional(),
  attribution_model: termFields.attribution_model.optional(),
  time_decay_half_life_days: termFields.time_decay_half_life_days.optional(),
  approval_hold_days: termFields.approval_hold_days.optional(),
  tiers: termFields.tiers.optional(),
});

// Any field of the create body; `currency` only when it is the campaign's currency already (a currency never changes).
export const patchCampaignBody = createCampaignBody
  .partial()
  .refine((body) => Object.keys(body).length > 0, { message: 'Send at least one field to change.' });

export const tierOut = z.object({
  label: z.string(),
  min_amount: z.string(),
  max_amount: z.string(),
  reward_type: z.string(),
  reward_value: z.string(),
  reward_id: z.number().int().nullable(),
});

export const campaignOut = z.object({
  campaign_id: z.number().int(),
  vendor_id: z.number().int(),
  status: z.enum(['active', 'paused', 'archived']),
  currency: z.string().describe('ISO 4217 currency of every amount of the campaign'),
  current_campaign_version_id: z.number().int(),
  campaign_version_id: z.number().int(),
  version_number: z.number().int(),
  name: z.string(),
  description: z.string().nullable(),
  destination_url: z.string(),
  default_commission_type: commissionType,
  default_commission_value: z.string().nullable(),
  cookie_duration_days: z.number().int(),
  approval_required: z.boolean(),
  is_public: z.boolean(),
  max_partners: z.number().int().nullable(),
  terms_url: z.string().nullable(),
  promotional_guidelines: z.string().nullable(),
  attribution_model: attributionModel,
  time_decay_half_life_days: z.number().int(),
  approval_hold_days: z.number().int(),
  tiers: z.array(tierOut),
  created_at: z.string(),
  updated_at: z.string(),
  version_created_at: z.string(),
});
