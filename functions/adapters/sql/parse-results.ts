/**
 * Text-format result values to the JS values the SQL port promises, shared by node-postgres and
 * PGlite so both engines return identical rows: NUMERIC as exact strings, INT8 as numbers
 * (refusing what would lose precision), TIMESTAMP/TIMESTAMPTZ as ISO UTC strings, DATE as
 * 'YYYY-MM-DD', JSON parsed, arrays of all of these as arrays.
 */

export type TextParser = (value: string) => unknown;

/** PostgreSQL type OIDs the adapters care about. */
export const oids = {
  bool: 16,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  oid: 26,
  json: 114,
  float4: 700,
  float8: 701,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
  numeric: 1700,
  uuid: 2950,
  jsonb: 3802,
} as const;

const identity: TextParser = (value) => value;

/** INT8 beyond 2^53 would silently change value as a JS number. */
export function parseInt8(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) {
    throw new RangeError(`INT8 value ${value} is outside the safe integer range; cast it to text or numeric`);
  }
  return parsed;
}

const timestampPattern =
  /^(\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?|Z)?( BC)?$/;

/**
 * A PostgreSQL timestamp ('2024-01-15 10:00:00.123456', with or without an offset such as '+00'
 * or '+05:30') to ISO UTC with milliseconds. Without an offset the value is taken as UTC (the
 * sessions run in UTC). 'infinity' and '-infinity' come back unchanged.
 */
export function parseTimestamp(value: string): string {
  const match = timestampPattern.exec(value);
  if (!match) return value;
  const [, year, month, day, hour, minute, second, fraction, sign, offsetHours, offsetMinutes, offsetSeconds, bc] =
    match;
  let fullYear = Number(year);
  if (bc) fullYear = 1 - fullYear;
  const milliseconds = fraction ? Number(fraction.slice(0, 3).padEnd(3, '0')) : 0;
  const utc = new Date(0);
  utc.setUTCFullYear(fullYear, Number(month) - 1, Number(day));
  utc.setUTCHours(Number(hour), Number(minute), Number(second), milliseconds);
  let epoch = utc.getTime();
  if (sign) {
    const offset =
      (Number(offsetHours) * 3600 + Number(offsetMinutes ?? 0) * 60 + Number(offsetSeconds ?? 0)) * 1000;
    epoch += sign === '+' ? -offset : offset;
  }
  return new Date(epoch).toISOString();
}

const parseJson: TextParser = (value) => JSON.parse(value);
const parseBool: TextParser = (value) => value === 't' || value === 'true';

/** Element parsers by element OID. Types not listed keep the driver's default. */
export const scalarParsers: Record<number, TextParser> = {
  [oids.bool]: parseBool,
  [oids.int8]: parseInt8,
  [oids.int2]: Number,
  [oids.int4]: Number,
  [oids.oid]: Number,
  [oids.text]: identity,
  [oids.json]: parseJson,
  [oids.jsonb]: parseJson,
  [oids.float4]: Number,
  [oids.float8]: Number,
  [oids.date]: identity,
  [oids.timestamp]: parseTimestamp,
  [oids.timestamptz]: parseTimestamp,
  [oids.numeric]: identity,
  [oids.uuid]: identity,
};

/** Array OID -> element OID. */
export const arrayElementOids: Record<number, number> = {
  1000: oids.bool,
  1005: oids.int2,
  1007: oids.int4,
  1016: oids.int8,
  1009: oids.text,
  1015: 1043, // varchar[]
  1014: 1042, // bpchar[]
  1028: oids.oid,
  199: oids.json,
  3807: oids.jsonb,
  1021: oids.float4,
  1022: oids.float8,
  1182: oids.date,
  1115: oids.timestamp,
  1185: oids.timestamptz,
  1231: oids.numeric,
  2951: oids.uuid,
};

/** The parser for a result column of type `oid`, or undefined to keep the driver's default. */
export function textParserFor(oid: number): TextParser | undefined {
  const scalar = scalarParsers[oid];
  if (scalar) return scalar;
  const elementOid = arrayElementOids[oid];
  if (elementOid === undefined) return undefined;
  const element = scalarParsers[elementOid] ?? identity;
  return (value) => parseArrayLiteral(value, element);
}

/** Every parser as one map (PGlite takes `{ [oid]: parser }`). */
export function allTextParsers(): Record<number, TextParser> {
  const parsers: Record<number, TextParser> = { ...scalarParsers };
  for (const oid of Object.keys(arrayElementOids)) {
    const parser = textParserFor(Number(oid));
    if (parser) parsers[Number(oid)] = parser;
  }
  return parsers;
}

/**
 * A PostgreSQL array literal ('{1,2,NULL}', '{"a b","c\\"d"}', '{{1,2},{3,4}}', with an optional
 * '[1:2]=' dimension prefix) to a JS array, each element through `parseElement`.
 */
export function parseArrayLiteral(literal: string, parseElement: TextParser): unknown[] {
  let i = 0;
  if (literal.startsWith('[')) {
    const equals = literal.indexOf('=');
    i = equals + 1;
  }
  const parseLevel = (): unknown[] => {
    // literal[i] is '{'
    i += 1;
    const items: unknown[] = [];
    if (literal[i] === '}') {
      i += 1;
      return items;
    }
    for (;;) {
      const char = literal[i];
      if (char === '{') {
        items.push(parseLevel());
      } else if (char === '"') {
        i += 1;
        let text = '';
        while (i < literal.length && literal[i] !== '"') {
          if (literal[i] === '\\') i += 1;
          text += literal[i] ?? '';
          i += 1;
        }
        i += 1; // closing quote
        items.push(parseElement(text));
      } else {
        let end = i;
        while (end < literal.length && literal[end] !== ',' && literal[end] !== '}') end += 1;
        const text = literal.slice(i, end).trim();
        i = end;
        items.push(text.toUpperCase() === 'NULL' ? null : parseElement(text));
      }
      const separator = literal[i];
      i += 1;
      if (separator === '}') return items;
      if (separator !== ',' && separator !== ';') {
        throw new SyntaxError(`Malformed array literal: ${literal}`);
      }
    }
  };
  if (literal[i] !== '{') throw new SyntaxError(`Malformed array literal: ${literal}`);
  return parseLevel();
}
