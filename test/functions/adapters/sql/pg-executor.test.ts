import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgExecutor } from '../../../../functions/adapters/sql/pg-executor.js';
import {
  createTestDatabase,
  isPostgresReachable,
  postgresServerUrl,
  type TestDatabase,
} from '../../../support/database/test-database.js';
import { describeExecutorContract } from './executor-contract.js';

const server = new URL(postgresServerUrl).host;
const reachable = await isPostgresReachable(postgresServerUrl);

// CI always has PostgreSQL; a machine without one still runs the PGlite half of the contract.
describe.skipIf(!reachable)(
  reachable ? `node-postgres on ${server}` : `node-postgres (skipped: no PostgreSQL reachable at ${server})`,
  () => {
    describeExecutorContract('node-postgres', () =>
      createTestDatabase({ engine: 'postgres', serverUrl: postgresServerUrl, migrate: false }),
    );

    describe('node-postgres pool specifics', () => {
      let db: TestDatabase;

      beforeAll(async () => {
        db = await createTestDatabase({ engine: 'postgres', serverUrl: postgresServerUrl, migrate: false });
        await db.sql.query('CREATE TABLE pool_probe (label TEXT PRIMARY KEY)');
      });

      afterAll(async () => {
        await db?.close();
      });

      it('runs its sessions in UTC', async () => {
        expect((await db.sql.query('SHOW TimeZone')).rows).toEqual([{ TimeZone: 'UTC' }]);
      });

      it('gives concurrent transactions their own connections', async () => {
        await Promise.all(
          ['left', 'right'].map((label) =>
            db.sql.transaction(async (tx) => {
              await tx.query('INSERT INTO pool_probe (label) VALUES (:label)', { label });
              await tx.query('SELECT pg_sleep(0.05)');
            }),
          ),
        );
        const rows = await db.sql.query('SELECT label FROM pool_probe ORDER BY label');
        expect(rows.rows).toEqual([{ label: 'left' }, { label: 'right' }]);
      });

      it('hides uncommitted rows from other connections until commit', async () => {
        await db.sql.transaction(async (tx) => {
          await tx.query('INSERT INTO pool_probe (label) VALUES (:label)', { label: 'pending' });
          const outside = await db.sql.query('SELECT count(*) AS n FROM pool_probe WHERE label = :label', {
            label: 'pending',
          });
          expect(outside.rows).toEqual([{ n: 0 }]);
        });
        const after = await db.sql.query('SELECT count(*) AS n FROM pool_probe WHERE label = :label', {
          label: 'pending',
        });
        expect(after.rows).toEqual([{ n: 1 }]);
      });

      it('uses a borrowed pool with the same parsing and UTC sessions, and leaves it open on close', async () => {
        const pool = new pg.Pool({ connectionString: db.url, max: 1 });
        try {
          const sql = createPgExecutor({ pool });
          const result = await sql.query(
            `SELECT current_setting('TimeZone') AS zone, 12.30::numeric AS n, 7::int8 AS id, '2024-01-15 10:00:00'::timestamp AS at`,
          );
          expect(result.rows).toEqual([{ zone: 'UTC', n: '12.30', id: 7, at: '2024-01-15T10:00:00.000Z' }]);
          await sql.close();
          expect((await pool.query('SELECT 1 AS v')).rows).toEqual([{ v: 1 }]);
        } finally {
          await pool.end();
        }
      });

      it('does not change the global pg type parsers', async () => {
        const pool = new pg.Pool({ connectionString: db.url, max: 1 });
        try {
          const raw = await pool.query(`SELECT 7::int8 AS id, '2024-01-15 10:00:00+00'::timestamptz AS at`);
          expect(raw.rows[0]?.id).toBe('7');
          expect(raw.rows[0]?.at).toBeInstanceOf(Date);
        } finally {
          await pool.end();
        }
      });
    });
  },
);
