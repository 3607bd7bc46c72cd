/**
 * Optional typed parameters. An explicit `::cast` in the SQL is what keeps a statement portable
 * and is always enough; a typed value additionally lets the RDS Data API type the parameter
 * itself (its `typeHint`). node-postgres and PGlite bind a typed value as its text.
 */
import type { TypeHint } from '@aws-sdk/client-rds-data';

const typedValueMarker = Symbol.for('affiliate.sql.typedValue');

// A type alias, not an interface: it must stay assignable to the port's plain-object parameter.
export type TypedSqlValue = {
  readonly [typedValueMarker]: true;
  readonly typeHint: TypeHint;
  readonly value: string;
};

function typed(typeHint: TypeHint, value: string): TypedSqlValue {
  return { [typedValueMarker]: true, typeHint, value };
}

/** A NUMERIC parameter from an exact decimal string ('12.30'). */
export function decimal(value: string): TypedSqlValue {
  if (!/^-?\d+(\.\d+)?$/.test(value)) throw new TypeError(`Not a decimal string: ${value}`);
  return typed('DECIMAL', value);
}

/** A UUID parameter. */
export function uuid(value: string): TypedSqlValue {
  return typed('UUID', value);
}

export function isTypedSqlValue(value: unknown): value is TypedSqlValue {
  return typeof value === 'object' && value !== null && typedValueMarker in value;
}
