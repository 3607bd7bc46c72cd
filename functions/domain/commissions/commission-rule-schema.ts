import { z } from 'zod';
import { compareDecimals, decimalField } from './json-decimal.js';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date (`2024-12-01`, a UTC day) or an ISO 8601 timestamp with offset. */
const dateOrTimestamp = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

/** When a rule applies. Every condition present must hold; `{}` always matches. */
export const commissionRuleConditionsSchema = z
  .strictObject({
    /** `occurred_at` in [start, end]; a date-only `end` includes that whole UTC day. */
    date_range: z
      .strictObject({ start: dateOrTimestamp, end: dateOrTimestamp })
      .refine((r) => dateRangeBounds(r).start < dateRangeBounds(r).endExclusive, {
        message: 'date_range.start must not be after date_range.end',
      }),
    /** Sale amount at least this (dollars, inclusive). */
    min_event_value: decimalField({ maxDecimals: 2, label: 'min_event_value' }),
    /** Event type names (`sale`, `subscription`, ...). */
    event_types: z.array(z.string().min(1).max(100)).min(1),
    /** Partner tiers (`gold`, `platinum`, ...), compared case-insensitively. */
    partner_tiers: z.array(z.string().min(1).max(50)).min(1),
    /** The conversion's first-purchase flag must equal this; unknown never matches. */
    is_first_purchase: z.boolean(),
    /** Customer lifetime value at least this (dollars, inclusive); unknown never matches. */
    customer_lifetime_value_min: decimalField({ maxDecimals: 2, label: 'customer_lifetime_value_min' }),
  })
  .partial();

/**
 * What a rule does, applied in this fixed order (see `calculateCommission`):
 * 1. `commission_type` + `commission_value` replace the base commission (both or neither);
 * 2. `commission_multiplier` multiplies it (up to 6 decimals);
 * 3. `bonus_flat` (dollars) is added.
 * The result is rounded half-up to the cent once, at the end.
 */
export const commissionRuleActionsSchema = z
  .strictObject({
    commission_multiplier: decimalField({ maxDecimals: 6, max: '1000', label: 'commission_multiplier' }),
    bonus_flat: decimalField({ maxDecimals: 2, label: 'bonus_flat' }),
    commission_type: z.enum(['percentage', 'flat']),
    commission_value: decimalField({ maxDecimals: 2, label: 'commission_value' }),
  })
  .partial()
  .refine((a) => (a.commission_type === undefined) === (a.commission_value === undefined), {
    message: 'commission_type and commission_value go together',
  })
  .refine((a) => Object.keys(a).length > 0, { message: 'a rule needs at least one action' })
  .refine((a) => a.commission_type !== 'percentage' || compareDecimals(a.commission_value ?? '0', '100') <= 0, {
    message: 'a percentage commission_value is at most 100',
  });

/**
 * A commission rule's JSON as stored in `commission_rules.conditions` / `.actions`. Strict:
 * unknown condition or action keys are rejected when the rule is saved, never ignored at run
 * time. Amounts are normalised to canonical decimal strings (JSON numbers accepted, see
 * `jsonNumberToDecimal`). Use `.parse()` on save; the engine re-parses stored JSON the same way.
 */
export const commissionRuleSchema = z.strictObject({
  conditions: commissionRuleConditionsSchema,
  actions: commissionRuleActionsSchema,
});

export type CommissionRuleConditions = z.output<typeof commissionRuleConditionsSchema>;
export type CommissionRuleActions = z.output<typeof commissionRuleActionsSchema>;
export type CommissionRuleDefinition = z.output<typeof commissionRuleSchema>;

/** Instants bounding a `date_range`: [start, endExclusive). Date-only ends cover their whole UTC day. */
export function dateRangeBounds(range: { start: string; end: string }): { start: number; endExclusive: number } {
  const start = DATE_ONLY.test(range.start) ? Date.parse(`${range.start}T00:00:00Z`) : Date.parse(range.start);
  const endExclusive = DATE_ONLY.test(range.end)
    ? Date.parse(`${range.end}T00:00:00Z`) + 86_400_000
    : Date.parse(range.end) + 1;
  return { start, endExclusive };
}
