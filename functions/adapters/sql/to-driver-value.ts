/**
 * JS parameter values to what node-postgres and PGlite send as text, the same way for both:
 * Date as an ISO UTC string, plain objects as JSON text, arrays kept as arrays (each element
 * converted), bigint as its decimal digits. A non-integer number is refused: amounts travel as
 * decimal strings, never as binary floats.
 */
import type { SqlParamValue } from '../../ports/sql-executor.js';
import { isTypedSqlValue } from './typed-values.js';

export type DriverValue = string | number | boolean | null | DriverValue[];

export function toDriverValue(value: SqlParamValue, name = '?'): DriverValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      assertIntegerNumber(value, name);
      return value;
    case 'bigint':
      return value.toString();
    default:
      break;
  }
  if (value instanceof Date) return dateToIsoString(value, name);
  if (isTypedSqlValue(value)) return value.value;
  if (Array.isArray(value)) return value.map((item: SqlParamValue) => toDriverValue(item, name));
  return JSON.stringify(value);
}

/** Integers only: `12.3` as a parameter is a bug (money must be a decimal string). */
export function assertIntegerNumber(value: number, name: string): void {
  if (!Number.isSafeInteger(value)) {
    throw new TypeError(
      `SQL parameter :${name} is ${value}: only safe integers bind as numbers; pass decimals as strings (e.g. '12.30') and large integers as bigint`,
    );
  }
}

export function dateToIsoString(value: Date, name: string): string {
  if (Number.isNaN(value.getTime())) throw new TypeError(`SQL parameter :${name} is an invalid Date`);
  return value.toISOString();
}
