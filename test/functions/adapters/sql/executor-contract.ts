/**
 * The SQL port's conventions as one table of round trips, run unchanged against node-postgres
 * and PGlite (see pg-executor.test.ts and pglite-executor.test.ts): the same statement text must
 * bind and return the same JS values on both engines.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SqlExecutor, SqlParams } from '../../../../functions/ports/sql-executor.js';
import { MissingSqlParameterError } from '../../../../functions/adapters/sql/named-parameters.js';
import { decimal, uuid } from '../../../../functions/adapters/sql/typed-values.js';

export interface ContractDatabase {
  sql: SqlExecutor;
  close(): Promise<void>;
}

interface RoundTrip {
  name: string;
  sql: string;
  params?: SqlParams;
  expected: unknown;
}

const cookieId = '0190a0b4-7c1e-7b3a-9f00-0123456789ab';

export const roundTrips: RoundTrip[] = [
  { name: 'NUMERIC keeps its scale', sql: 'SELECT :v::numeric AS v', params: { v: '12.30' }, expected: '12.30' },
  {
    name: 'NUMERIC beyond any float is exact',
    sql: 'SELECT :v::numeric AS v',
    params: { v: '123456789012345678901234567890.123456789' },
    expected: '123456789012345678901234567890.123456789',
  },
  {
    name: 'NUMERIC arithmetic is decimal ($0.10 + $0.20 = $0.30)',
    sql: 'SELECT (:a::numeric + :b::numeric) AS v',
    params: { a: '0.10', b: '0.20' },
    expected: '0.30',
  },
  { name: 'NUMERIC(12,2) pads', sql: 'SELECT :v::numeric(12,2) AS v', params: { v: '5' }, expected: '5.00' },
  { name: 'typed decimal()', sql: 'SELECT :v::numeric AS v', params: { v: decimal('-0.01') }, expected: '-0.01' },
  {
    name: 'JSONB object in and out',
    sql: 'SELECT :v::jsonb AS v',
    params: { v: { campaign: 'spring', tiers: [1, 2], nested: { ok: true, none: null } } },
    expected: { campaign: 'spring', tiers: [1, 2], nested: { ok: true, none: null } },
  },
  {
    name: 'JSONB array (as JSON text: a JS array binds as a SQL array)',
    sql: 'SELECT :v::jsonb AS v',
    params: { v: JSON.stringify([1, 'two', { three: 3 }]) },
    expected: [1, 'two', { three: 3 }],
  },
  { name: 'JSON literal', sql: `SELECT '{"a":"b:c"}'::json AS v`, expected: { a: 'b:c' } },
  { name: 'UUID as string', sql: 'SELECT :v::uuid AS v', params: { v: cookieId }, expected: cookieId },
  { name: 'typed uuid()', sql: 'SELECT :v::uuid AS v', params: { v: uuid(cookieId) }, expected: cookieId },
  {
    name: 'TIMESTAMP from a Date is UTC ISO',
    sql: 'SELECT :v::timestamp AS v',
    params: { v: new Date('2024-01-15T10:00:00.123Z') },
    expected: '2024-01-15T10:00:00.123Z',
  },
  {
    name: 'TIMESTAMPTZ from a Date is UTC ISO',
    sql: 'SELECT :v::timestamptz AS v',
    params: { v: new Date('2024-02-29T23:59:59.999Z') },
    expected: '2024-02-29T23:59:59.999Z',
  },
  {
    name: 'TIMESTAMPTZ from an offset string is normalised to UTC',
    sql: 'SELECT :v::timestamptz AS v',
    params: { v: '2024-01-15T12:00:00+02:00' },
    expected: '2024-01-15T10:00:00.000Z',
  },
  {
    name: 'TIMESTAMP literal is read as UTC',
    sql: `SELECT '2024-01-15 10:00:00.123456'::timestamp AS v`,
    expected: '2024-01-15T10:00:00.123Z',
  },
  {
    name: 'sessions run in UTC: now() as TIMESTAMP equals now() as TIMESTAMPTZ',
    sql: 'SELECT now()::timestamp = now() AT TIME ZONE \'UTC\' AS v',
    expected: true,
  },
  { name: 'DATE stays a calendar date', sql: `SELECT '2024-01-02'::date AS v`, expected: '2024-01-02' },
  { name: 'NULL', sql: 'SELECT :v::text AS v', params: { v: null }, expected: null },
  { name: 'undefined binds as NULL', sql: 'SELECT :v::numeric AS v', params: { v: undefined }, expected: null },
  {
    name: 'INT8 at the safe limit is a number',
    sql: 'SELECT :v::int8 AS v',
    params: { v: Number.MAX_SAFE_INTEGER },
    expected: Number.MAX_SAFE_INTEGER,
  },
  { name: 'bigint parameter', sql: 'SELECT :v::bigint AS v', params: { v: 1234567890123n }, expected: 1234567890123 },
  { name: 'COUNT(*) is a number', sql: 'SELECT count(*) AS v FROM generate_series(1, 3)', expected: 3 },
  { name: 'INT4 and INT2', sql: 'SELECT (:v::int4 + 1::int2) AS v', params: { v: -5 }, expected: -4 },
  { name: 'boolean', sql: 'SELECT NOT :v::boolean AS v', params: { v: false }, expected: true },
  { name: 'BIGINT[] from a JS array', sql: 'SELECT :ids::bigint[] AS v', params: { ids: [3, 1, 2] }, expected: [3, 1, 2] },
  {
    name: '= ANY(:ids::bigint[])',
    sql: 'SELECT array_agg(x ORDER BY x) AS v FROM generate_series(1, 5) x WHERE x = ANY(:ids::bigint[])',
    params: { ids: [2, 4, 9] },
    expected: [2, 4],
  },
  {
    name: 'TEXT[] with separators, quotes, backslashes and the word NULL',
    sql: 'SELECT :v::text[] AS v',
    params: { v: ['a,b', 'c"d', 'e\\f', 'NULL', null, '{x}', ' spaced '] },
    expected: ['a,b', 'c"d', 'e\\f', 'NULL', null, '{x}', ' spaced '],
  },
  { name: 'empty array', sql: 'SELECT :v::text[] AS v', params: { v: [] }, expected: [] },
  {
    name: 'NUMERIC[] keeps strings',
    sql: 'SELECT :v::numeric[] AS v',
    params: { v: ['1.10', '0.01'] },
    expected: ['1.10', '0.01'],
  },
  {
    name: 'TIMESTAMPTZ[] as ISO strings',
    sql: `SELECT ARRAY['2024-01-15 10:00:00+00'::timestamptz, NULL] AS v`,
    expected: ['2024-01-15T10:00:00.000Z', null],
  },
  {
    name: 'JSONB[] parsed',
    sql: `SELECT ARRAY['{"a":1}'::jsonb, '[2]'::jsonb] AS v`,
    expected: [{ a: 1 }, [2]],
  },
  { name: 'INT8[] 2-D', sql: 'SELECT ARRAY[[1,2],[3,4]]::int8[] AS v', expected: [[1, 2], [3, 4]] },
  { name: 'the same parameter twice', sql: 'SELECT :x::int + :x::int AS v', params: { x: 21 }, expected: 42 },
  {
    name: 'colons in strings, casts and comments are not parameters',
    sql: `SELECT 'at 10:30 :not_a_param' || :v::text /* :nor_this */ AS v -- :or_this`,
    params: { v: '!' },
    expected: 'at 10:30 :not_a_param!',
  },
  { name: 'dollar-quoted text', sql: 'SELECT $$:nope;$$ || :v AS v', params: { v: 'x' }, expected: ':nope;x' },
  { name: 'unused parameters are ignored', sql: 'SELECT 1 AS v', params: { unused: 'x' }, expected: 1 },
  { name: 'text parameter without cast', sql: 'SELECT :v AS v', params: { v: 'plain' }, expected: 'plain' },
];

/** Registers the contract suite for one engine; `open` is called once for the file. */
export function describeExecutorContract(engine: string, open: () => Promise<ContractDatabase>): void {
  describe(`${engine} executor honours the SQL port`, () => {
    let db: ContractDatabase;

    beforeAll(async () => {
      db = await open();
      await db.sql.query(
        'CREATE TABLE contract_probe (id BIGSERIAL PRIMARY KEY, label TEXT NOT NULL UNIQUE, amount NUMERIC(12,2))',
      );
    });

    afterAll(async () => {
      await db?.close();
    });

    beforeEach(async () => {
      await db.sql.query('DELETE FROM contract_probe');
    });

    const labels = async () =>
      (await db.sql.query<{ label: string }>('SELECT label FROM contract_probe ORDER BY label')).rows.map(
        (row) => row.label,
      );

    it.each(roundTrips)('$name', async ({ sql, params, expected }) => {
      const result = await db.sql.query(sql, params);
      expect(result.rows).toEqual([{ v: expected }]);
      expect(result.rowCount).toBe(1);
    });

    it('refuses a binary float: money travels as decimal strings', async () => {
      await expect(db.sql.query('SELECT :v::numeric AS v', { v: 12.3 })).rejects.toThrow(TypeError);
    });

    it('refuses an INT8 result that a JS number cannot hold exactly', async () => {
      await expect(db.sql.query('SELECT 9007199254740993::int8 AS v')).rejects.toThrow(RangeError);
    });

    it('runs exactly one statement per call, as the Data API does', async () => {
      await expect(db.sql.query('SELECT 1; SELECT 2')).rejects.toThrow(/exactly one statement/);
      expect((await db.sql.query('SELECT 1 AS v;')).rows).toEqual([{ v: 1 }]);
    });

    it('names the parameter missing from params', async () => {
      await expect(db.sql.query('SELECT :present::int + :absent::int AS v', { present: 1 })).rejects.toThrow(
        MissingSqlParameterError,
      );
    });

    it('reports rows affected by INSERT, UPDATE and DELETE, and rows returned by RETURNING', async () => {
      const inserted = await db.sql.query(
        `INSERT INTO contract_probe (label, amount) VALUES (:a, :amount::numeric), (:b, :amount::numeric)`,
        { a: 'a', b: 'b', amount: '1.50' },
      );
      expect(inserted).toEqual({ rows: [], rowCount: 2 });
      const updated = await db.sql.query(
        'UPDATE contract_probe SET amount = amount + :delta::numeric RETURNING label, amount',
        { delta: '0.05' },
      );
      expect(updated.rowCount).toBe(2);
      expect(updated.rows).toEqual(
        expect.arrayContaining([
          { label: 'a', amount: '1.55' },
          { label: 'b', amount: '1.55' },
        ]),
      );
      expect(await db.sql.query('DELETE FROM contract_probe WHERE label = :label', { label: 'a' })).toEqual({
        rows: [],
        rowCount: 1,
      });
      const none = await db.sql.query('SELECT * FROM contract_probe WHERE label = :label', { label: 'zzz' });
      expect(none).toEqual({ rows: [], rowCount: 0 });
    });

    it('commits a transaction that resolves and returns its value', async () => {
      const value = await db.sql.transaction(async (tx) => {
        await tx.query('INSERT INTO contract_probe (label) VALUES (:label)', { label: 'committed' });
        const seen = await tx.query<{ n: number }>('SELECT count(*) AS n FROM contract_probe');
        return seen.rows[0]?.n;
      });
      expect(value).toBe(1);
      expect(await labels()).toEqual(['committed']);
    });

    it('rolls back a transaction that throws, rethrowing the original error', async () => {
      const failure = new Error('work failed after the insert');
      await expect(
        db.sql.transaction(async (tx) => {
          await tx.query('INSERT INTO contract_probe (label) VALUES (:label)', { label: 'ghost' });
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await labels()).toEqual([]);
    });

    it('rolls back when a statement fails (unique violation) and surfaces the database error', async () => {
      await db.sql.query('INSERT INTO contract_probe (label) VALUES (:label)', { label: 'taken' });
      await expect(
        db.sql.transaction(async (tx) => {
          await tx.query('INSERT INTO contract_probe (label) VALUES (:label)', { label: 'fresh' });
          await tx.query('INSERT INTO contract_probe (label) VALUES (:label)', { label: 'taken' });
        }),
      ).rejects.toThrow(/duplicate key|unique/i);
      expect(await labels()).toEqual(['taken']);
    });

    it('joins a nested transaction to the outer one: it sees and shares its fate', async () => {
      await expect(
        db.sql.transaction(async (tx) => {
          await tx.query('INSERT INTO contract_probe (label) VALUES (:label)', { label: 'outer' });
          const innerSaw = await tx.transaction(async (inner) => {
            await inner.query('INSERT INTO contract_probe (label) VALUES (:label)', { label: 'inner' });
            return (await inner.query('SELECT label FROM contract_probe ORDER BY label')).rows;
          });
          expect(innerSaw).toEqual([{ label: 'inner' }, { label: 'outer' }]);
          throw new Error('outer fails after the nested work');
        }),
      ).rejects.toThrow('outer fails');
      expect(await labels()).toEqual([]);

      await db.sql.transaction(async (tx) => {
        await tx.transaction((inner) => inner.query('INSERT INTO contract_probe (label) VALUES (:l)', { l: 'kept' }));
      });
      expect(await labels()).toEqual(['kept']);
    });

    it('keeps a failed transaction from poisoning the executor', async () => {
      await expect(db.sql.transaction((tx) => tx.query('SELECT 1/0'))).rejects.toThrow(/division by zero/);
      expect((await db.sql.query('SELECT 1 AS v')).rows).toEqual([{ v: 1 }]);
    });
  });
}
