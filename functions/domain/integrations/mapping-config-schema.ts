/**
 * `integration_event_mappings.mapping_config`, validated strictly when saved (unknown keys are a
 * 400, not ignored at run time). Shape as in the data dictionary's example:
 * `{ conversion_event_type_id | event_type, field_mappings: { field: "$.json.path" }, conditions: { min_value, excluded_tags } }`.
 */
import { JSONPath } from 'jsonpath-plus';
import { z } from 'zod';
import { parseMoney } from '../money/parse-money.js';

/** Fields of a conversion message a mapping may fill from the provider payload. */
export const mappableFields = ['transaction_id', 'event_value', 'customer_email', 'customer_id', 'click_id', 'currency'] as const;

/** True when `path` is a JSONPath jsonpath-plus evaluates without scripts (filters with code are refused). */
export function isSafeJsonPath(path: string): boolean {
  if (!path.startsWith('$')) return false;
  try {
    JSONPath({ path, json: {}, wrap: true, eval: false });
    return true;
  } catch {
    return false;
  }
}

const jsonPath = z.string().min(1).max(500).refine(isSafeJsonPath, 'A JSONPath starting with "$" (script filters are not allowed).');

/** A decimal amount given as a JSON number (50) or string ("50.00"); kept as a string with at most 2 decimals. */
const minValue = z
  .union([z.number(), z.string()])
  .transform((v) => String(v))
  .refine((v) => {
    try {
      return parseMoney(v) >= 0n;
    } catch {
      return false;
    }
  }, 'A non-negative amount with at most 2 decimals.');

export const mappingConfigSchema = z
  .strictObject({
    conversion_event_type_id: z.number().int().positive().optional(),
    event_type: z.string().min(1).max(100).optional(),
    field_mappings: z.partialRecord(z.enum(mappableFields), jsonPath).optional(),
    conditions: z
      .strictObject({
        min_value: minValue.optional(),
        excluded_tags: z.array(z.string().min(1).max(255)).max(100).optional(),
      })
      .optional(),
  })
  .refine((c) => !(c.conversion_event_type_id !== undefined && c.event_type !== undefined), {
    message: 'Give conversion_event_type_id or event_type, not both.',
  });

export type MappingConfig = z.output<typeof mappingConfigSchema>;
