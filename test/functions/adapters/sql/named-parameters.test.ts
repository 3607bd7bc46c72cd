import { describe, expect, it } from 'vitest';
import {
  compileNamedParameters,
  MissingSqlParameterError,
  pickParameters,
} from '../../../../functions/adapters/sql/named-parameters.js';

describe('compileNamedParameters', () => {
  it.each([
    ['plain parameters', 'SELECT * FROM t WHERE a = :a AND b = :b', 'SELECT * FROM t WHERE a = $1 AND b = $2', ['a', 'b']],
    ['the same name twice reuses $n', 'SELECT :x + :y + :x', 'SELECT $1 + $2 + $1', ['x', 'y']],
    ['casts are not parameters', 'SELECT :amount::numeric, x::text, :ids::bigint[]', 'SELECT $1::numeric, x::text, $2::bigint[]', ['amount', 'ids']],
    ['camelCase and snake_case names', 'VALUES (:vendorId, :cookie_id2)', 'VALUES ($1, $2)', ['vendorId', 'cookie_id2']],
    ['colons in string literals', `SELECT 'at 10:30 :nope', :yes`, `SELECT 'at 10:30 :nope', $1`, ['yes']],
    ["doubled quotes inside strings", `SELECT 'it''s :nope', :yes`, `SELECT 'it''s :nope', $1`, ['yes']],
    ['E-strings with escaped quotes', `SELECT E'\\' :nope', :yes`, `SELECT E'\\' :nope', $1`, ['yes']],
    ['dollar quotes', 'SELECT $$ :nope $$, :yes', 'SELECT $$ :nope $$, $1', ['yes']],
    ['tagged dollar quotes containing $$', 'SELECT $fn$ $$ :nope $$ $fn$, :yes', 'SELECT $fn$ $$ :nope $$ $fn$, $1', ['yes']],
    ['quoted identifiers', 'SELECT "odd:name", :yes', 'SELECT "odd:name", $1', ['yes']],
    ['line comments', 'SELECT :a -- :nope\n, :b', 'SELECT $1 -- :nope\n, $2', ['a', 'b']],
    ['nested block comments', 'SELECT /* :no /* :no */ :no */ :a', 'SELECT /* :no /* :no */ :no */ $1', ['a']],
    ['array slices are not parameters', 'SELECT arr[1:2], arr[lo:hi]', 'SELECT arr[1:2], arr[lo:hi]', []],
    ['PL/pgSQL assignment outside quotes', 'SELECT :a := 1', 'SELECT $1 := 1', ['a']],
    ['existing positional parameters untouched', 'SELECT $1, :a', 'SELECT $1, $1', ['a']],
    ['parameter at the very end', 'SELECT :last', 'SELECT $1', ['last']],
    ['a lone colon', 'SELECT 1 :', 'SELECT 1 :', []],
  ])('%s', (_case, sql, text, names) => {
    expect(compileNamedParameters(sql)).toEqual({ text, names, multipleStatements: false });
  });

  it.each([
    ['SELECT 1; SELECT 2', true],
    ["SELECT 1; 'x'", true],
    ['SELECT 1;', false],
    ['SELECT 1;  -- done\n /* really */ ', false],
    ["SELECT ';' || $$;$$", false],
  ])('flags more than one statement: %s', (sql, multiple) => {
    expect(compileNamedParameters(sql).multipleStatements).toBe(multiple);
  });

  it('returns the same result from the cache', () => {
    const sql = 'SELECT :cached::int';
    expect(compileNamedParameters(sql)).toBe(compileNamedParameters(sql));
  });
});

describe('pickParameters', () => {
  it('orders values by name and keeps undefined and null as given', () => {
    expect(pickParameters(['b', 'a', 'c'], { a: 1, b: 'two', c: undefined, extra: true })).toEqual(['two', 1, undefined]);
  });

  it('throws naming a parameter absent from params', () => {
    expect(() => pickParameters(['vendor_id'], {})).toThrow(MissingSqlParameterError);
    expect(() => pickParameters(['vendor_id'], undefined)).toThrow(/:vendor_id/);
  });

  it('does not mistake inherited properties for parameters', () => {
    expect(() => pickParameters(['toString'], {})).toThrow(MissingSqlParameterError);
  });
});
