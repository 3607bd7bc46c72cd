/**
 * The node-postgres executor (functions/adapters/sql/pg-executor.ts) through a PostgreSQL outage,
 * statement by statement: a connection cut between two statements of a transaction, or during
 * one, fails that transaction (rolled back on the server) without an uncaught error event; while
 * the database is away every call fails at once with an error the API maps to 503; after the
 * restore the pool has dropped its broken clients and the next calls succeed.
 * Skipped when no PostgreSQL answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgExecutor } from '../../functions/adapters/sql/pg-executor.js';
import type { ClosableSqlExecutor } from '../../functions/ports/sql-executor.js';
import { isDatabaseUnavailable } from '../../functions/platform/sql-errors.js';
import { toProblem } from '../../functions/platform/http/problem-response.js';
import { createPostgresTestDatabase, isPostgresReachable, postgresServerUrl, type PostgresTestDatabase } from '../support/database/test-database.js';
import { startTcpProxy, type TcpProxy } from '../support/stand-ins/tcp-proxy.js';

const serverUrl = process.env.TEST_POSTGRES_URL ?? postgresServerUrl;
const reachable = await isPostgresReachable(serverUrl);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const applicationName = 'faults_outage_executor';

/** The rejection of `promise`, or a failure when it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe.skipIf(!reachable)('the pg executor through a PostgreSQL outage', () => {
  let db: PostgresTestDatabase;
  let proxy: TcpProxy;
  let sql: ClosableSqlExecutor;

  beforeAll(async () => {
    db = await createPostgresTestDatabase({ serverUrl, prefix: 'faults_outage_' });
    await db.sql.query(`CREATE TABLE outage_probe (id integer PRIMARY KEY)`);
    const target = new URL(serverUrl);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(db.urlFor(applicationName));
    viaProxy.host = `${proxy.host}:${proxy.port}`;
    sql = createPgExecutor({ connectionString: viaProxy.toString(), max: 3, connectionTimeoutMs: 1_000 });
  });

  afterAll(async () => {
    await proxy?.restore().catch(() => undefined);
    await sql?.close().catch(() => undefined);
    await proxy?.close();
    await db?.close();
  });

  const probeIds = async () => (await db.sql.query<{ id: number }>(`SELECT id FROM outage_probe ORDER BY id`)).rows.map((row) => row.id);

  it('a cut between two statements fails the transaction, rolled back, with no uncaught error; the pool recovers', async () => {
    // Three pooled connections, idle when the cut comes (their 'error' events must not escape either).
    await Promise.all([1, 2, 3].map(() => sql.query(`SELECT pg_sleep(0.05)`)));

    const failed = await rejectionOf(
      sql.transaction(async (tx) => {
        await tx.query(`INSERT INTO outage_probe (id) VALUES (1)`);
        // The connection drops while the code between two statements runs (e.g. a DynamoDB read).
        await proxy.cut();
        await sleep(100);
        await tx.query(`INSERT INTO outage_probe (id) VALUES (2)`);
      }),
    );
    expect(isDatabaseUnavailable(failed)).toBe(true);

    // While the database is away: every call fails at once, as a 503 for the API.
    const refused = await rejectionOf(sql.query(`SELECT 1`));
    expect(isDatabaseUnavailable(refused)).toBe(true);
    expect(toProblem(refused).problem.status).toBe(503);
    const refusedTransaction = await rejectionOf(sql.transaction((tx) => tx.query(`SELECT 1`)));
    expect(isDatabaseUnavailable(refusedTransaction)).toBe(true);

    await proxy.restore();
    // The server rolled the cut transaction back; nothing of it is visible.
    expect(await probeIds()).toEqual([]);
    // Every broken client is gone: more calls than the pool's size all succeed.
    for (let i = 0; i < 5; i += 1) expect((await sql.query<{ one: number }>(`SELECT 1 AS one`)).rows).toEqual([{ one: 1 }]);
    await sql.transaction(async (tx) => {
      await tx.query(`INSERT INTO outage_probe (id) VALUES (3)`);
    });
    expect(await probeIds()).toEqual([3]);
    expect(await db.sessionsOf(applicationName)).toBeLessThanOrEqual(3);
  });

  it('a cut during a running statement fails it at once and the transaction is rolled back', async () => {
    const running = sql.transaction(async (tx) => {
      await tx.query(`INSERT INTO outage_probe (id) VALUES (4)`);
      await tx.query(`SELECT pg_sleep(5)`);
    });
    await sleep(300);
    await proxy.cut();
    const failed = await rejectionOf(running);
    expect(failed.message).toMatch(/Connection terminated/);
    expect(isDatabaseUnavailable(failed)).toBe(true);
    await proxy.restore();
    // The backend may still be finishing its sleep before it notices the lost client; the insert never commits.
    expect(await probeIds()).toEqual([3]);
    expect((await sql.query<{ one: number }>(`SELECT 1 AS one`)).rows).toEqual([{ one: 1 }]);
  });

  it('a database that stops answering: a new connection gives up after the connect timeout instead of hanging', async () => {
    await sql.query(`SELECT 1`);
    proxy.stall();
    // Let the pool see its idle connection close, so the next query opens a new one.
    await sleep(100);
    const failed = await rejectionOf(sql.query(`SELECT 1`));
    expect(failed.message).toMatch(/timeout/i);
    expect(isDatabaseUnavailable(failed)).toBe(true);
    expect(toProblem(failed).problem.status).toBe(503);
    await proxy.restore();
    expect((await sql.query<{ one: number }>(`SELECT 1 AS one`)).rows).toEqual([{ one: 1 }]);
  });
});
