/**
 * Request parts generated from the OpenAPI document's JSON schemas (which the API builds from
 * the same zod schemas it validates with): plausible values so requests get past the first field,
 * each node swapped for a hostile value now and then, fields dropped and unknown ones added.
 */
import fc from 'fast-check';
import { hostileIdSegments, hostileString, hostileValue, percentEncode, RawJson } from './hostile-values.js';

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  default?: unknown;
}

function typesOf(schema: JsonSchema): string[] {
  if (Array.isArray(schema.type)) return schema.type;
  if (schema.type) return [schema.type];
  if (schema.properties) return ['object'];
  return [];
}

function patternArbitrary(pattern: string): fc.Arbitrary<string> | undefined {
  try {
    const regex = new RegExp(pattern);
    return fc.stringMatching(regex).filter((s) => s.length < 300);
  } catch {
    return undefined;
  }
}

function stringArbitrary(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.pattern) {
    const fromPattern = patternArbitrary(schema.pattern);
    if (fromPattern) return fromPattern;
  }
  const min = schema.minLength ?? 0;
  const max = Math.min(schema.maxLength ?? 40, 60);
  switch (schema.format) {
    case 'email':
      return fc.emailAddress().filter((e) => e.length <= (schema.maxLength ?? 255));
    case 'uri':
    case 'url':
      return fc.constantFrom('https://shop.example.com/landing', 'https://shop.example.com/p?x=1', 'https://hooks.example.com/aff');
    case 'date-time':
      return fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2027-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
    case 'date':
      return fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2027-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    case 'uuid':
      return fc.uuid();
    default:
      return fc.string({ minLength: min, maxLength: Math.max(min, max) });
  }
}

function numberArbitrary(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const low = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 0);
  const high = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : low + 1000);
  const min = Math.max(low, -1e6);
  const max = Math.min(Math.max(high, min), min + 1e6);
  return integer ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) }) : fc.double({ min, max, noNaN: true });
}

/** Plausible values of `schema`; `hostility` is the weight of a hostile value at each node (0: none). */
export function valueFor(schema: JsonSchema | undefined, options: { hostility: number; depth?: number; ids?: readonly number[] }): fc.Arbitrary<unknown> {
  const depth = options.depth ?? 0;
  const plausible = plausibleFor(schema ?? {}, { ...options, depth });
  if (options.hostility <= 0) return plausible;
  return fc.oneof({ weight: 10, arbitrary: plausible }, { weight: options.hostility, arbitrary: hostileValue });
}

function plausibleFor(schema: JsonSchema, options: { hostility: number; depth: number; ids?: readonly number[] }): fc.Arbitrary<unknown> {
  const next = { ...options, depth: options.depth + 1 };
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives && alternatives.length > 0) return fc.oneof(...alternatives.map((s) => plausibleFor(s, options)));
  if (schema.allOf && schema.allOf.length > 0) return plausibleFor(Object.assign({}, ...schema.allOf) as JsonSchema, options);
  const types = typesOf(schema).filter((t) => t !== 'null');
  const nullable = typesOf(schema).includes('null');
  const type = types[0];
  let base: fc.Arbitrary<unknown>;
  switch (type) {
    case 'string':
      base = stringArbitrary(schema);
      break;
    case 'integer':
      // Ids: mostly the ones this run created, so handlers get past "not found".
      base = options.ids && options.ids.length > 0 && (schema.exclusiveMinimum === 0 || schema.minimum === 1)
        ? fc.oneof(fc.constantFrom(...options.ids), numberArbitrary(schema, true))
        : numberArbitrary(schema, true);
      break;
    case 'number':
      base = numberArbitrary(schema, false);
      break;
    case 'boolean':
      base = fc.boolean();
      break;
    case 'array': {
      if (options.depth > 4) return fc.constant([]);
      const min = schema.minItems ?? 0;
      base = fc.array(valueFor(schema.items, next), { minLength: min, maxLength: Math.max(min, Math.min(schema.maxItems ?? 3, 3)) });
      break;
    }
    case 'object': {
      if (options.depth > 4) return fc.constant({});
      base = objectFor(schema, next);
      break;
    }
    default:
      base = fc.jsonValue({ maxDepth: 2 });
  }
  return nullable ? fc.option(base, { nil: null, freq: 6 }) : base;
}

/** An object of `schema`'s properties: each may be absent or hostile; unknown fields now and then. */
function objectFor(schema: JsonSchema, options: { hostility: number; depth: number; ids?: readonly number[] }): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const keys = Object.keys(properties);
  if (keys.length === 0) return fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 });
  // Every key may be left out (required ones included): missing fields are part of the fuzz.
  const record = fc.record(Object.fromEntries(keys.map((key) => [key, valueFor(properties[key], options)])), { requiredKeys: [] });
  if (options.hostility <= 0) return record;
  const extra = fc.dictionary(fc.oneof(fc.constantFrom('is_admin', 'vendor_id', 'status', '__proto__', 'constructor', ''), fc.string({ maxLength: 12 })), hostileValue, {
    minKeys: 1,
    maxKeys: 2,
  });
  return fc.oneof(
    { weight: 6, arbitrary: record },
    { weight: 1, arbitrary: fc.tuple(record, extra).map(([a, b]) => ({ ...a, ...b })) },
  );
}

/** Path parameter values: mostly ids this run owns, else segments that must be refused. */
export function pathSegmentFor(schema: JsonSchema | undefined, ids: readonly number[]): fc.Arbitrary<string> {
  const plausible: fc.Arbitrary<string> = schema?.enum && schema.enum.length > 0
    ? fc.constantFrom(...schema.enum.map(String))
    : fc.oneof(fc.constantFrom(...(ids.length > 0 ? ids : [1]).map(String)), fc.integer({ min: 1, max: 60 }).map(String));
  const hostile = fc.oneof(
    fc.constantFrom(...hostileIdSegments),
    hostileString.filter((s) => s.length < 3000).map((s) => percentEncode(s) || '%20'),
  );
  return fc.oneof({ weight: 3, arbitrary: plausible }, { weight: 2, arbitrary: hostile });
}

export interface QueryParameter {
  name: string;
  schema?: JsonSchema;
}

/** A raw query string (without `?`): declared parameters, plausible or hostile, and unknown ones. */
export function queryStringFor(parameters: readonly QueryParameter[], ids: readonly number[]): fc.Arbitrary<string> {
  const pair = (name: string, value: fc.Arbitrary<string>) => value.map((v) => `${percentEncode(name)}=${v}`);
  const encoded = (arb: fc.Arbitrary<unknown>) =>
    arb.map((v) => percentEncode(v instanceof RawJson ? v.text.slice(0, 2000) : typeof v === 'string' ? v.slice(0, 20_000) : JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) ?? ''));
  const rawBad = fc.constantFrom('%', '%E0%A4%A', '%00', '%FF%FE', '1;DROP', '-1', '9223372036854775808', "1'--", '%2C%2C', ',', 'a,b,c', '');
  const declared = parameters.map((p) =>
    fc.option(
      fc.oneof(
        { weight: 3, arbitrary: pair(p.name, encoded(valueFor(p.schema, { hostility: 0, ids }))) },
        { weight: 2, arbitrary: pair(p.name, fc.oneof(rawBad, encoded(hostileValue))) },
      ),
      { nil: undefined, freq: 3 },
    ),
  );
  const unknown = fc.array(pair('x', rawBad).map((p) => p.replace(/^x/, 'unknown_param')), { maxLength: 1 });
  const repeated = fc.option(fc.constantFrom('limit=1&limit=2', 'cursor=%00', 'a&&b&=&==', '%=%'), { nil: undefined, freq: 4 });
  return fc.tuple(fc.tuple(...declared), unknown, repeated).map(([d, u, r]) =>
    [...d.filter((x): x is string => x !== undefined), ...u, ...(r ? [r] : [])].join('&'),
  );
}
