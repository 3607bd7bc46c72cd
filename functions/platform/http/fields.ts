/**
 * Field schemas shared by the API's routes: ids, decimal money, URLs, statuses. Money and rates
 * travel as decimal strings ("12.35") and are converted to integer cents / basis points in code.
 */
import { z } from 'zod';

/** A database id in a path segment (`/v1/campaigns/42`). */
export const idParam = z.coerce.number().int().positive().max(2_147_483_647);

/** A database id in a JSON body. */
export const idField = z.number().int().positive().max(2_147_483_647);

/** Decimal amount with at most two places, e.g. "12.35" (never a JSON number: floats are not exact). */
export const moneyString = z
  .string()
  .regex(/^\d{1,8}(\.\d{1,2})?$/, 'Expected a decimal string with at most 2 decimals, e.g. "12.35".');

export const email = z.email().max(255).transform((value) => value.toLowerCase());

export const httpUrl = z
  .url({ protocol: /^https?$/ })
  .max(2048);

/** Flat string map (utm_params, custom_params). */
export const stringMap = z.record(z.string().min(1).max(100), z.string().max(500));

/** Query flag: "true"/"false". */
export const booleanQuery = z.enum(['true', 'false']).transform((value) => value === 'true');

/** Serialises a DB id column (INT/BIGINT arrive as numbers). */
export const idSchema = z.number().int();

/** The shape of `{ [idParamName]: idParam }`, for route params. */
export function idParams<K extends string>(...names: K[]) {
  return z.object(Object.fromEntries(names.map((name) => [name, idParam])) as Record<K, typeof idParam>);
}
