/**
 * A fresh PostgreSQL database per fault suite, named `<prefix><base36 time>_<random>`, migrated
 * with the project's runner and dropped (WITH FORCE: a killed consumer may have left a session)
 * by `close()`. Databases of the same prefix older than two hours, left by a run that was
 * itself killed, are dropped on the way.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPgExecutor } from '../../../functions/adapters/sql/pg-executor.js';
import { runMigrations } from '../../../functions/adapters/sql/run-migrations.js';
import type { ClosableSqlExecutor } from '../../../functions/ports/sql-executor.js';

export interface FaultDatabase {
  name: string;
  /** The database's URL on the server. */
  url: string;
  /** The same URL, its sessions tagged with `application_name` (to find them in pg_stat_activity). */
  urlFor(applicationName: string): string;
  /** The test's own executor, straight to the server (never through a fault proxy). */
  sql: ClosableSqlExecutor;
  /** Sessions of `applicationName` still connected to this database. */
  sessionsOf(applicationName: string): Promise<number>;
  close(): Promise<void>;
}

async function withAdmin<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createFaultDatabase(options: { serverUrl: string; prefix: string }): Promise<FaultDatabase> {
  const { serverUrl, prefix } = options;
  const name = `${prefix}${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await withAdmin(serverUrl, async (admin) => {
    const stale = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${prefix}%`]);
    for (const { datname } of stale.rows) {
      const created = parseInt(datname.slice(prefix.length).split('_')[0] ?? '', 36);
      if (Number.isFinite(created) && created < Date.now() - 2 * 3_600_000) {
        await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => undefined);
      }
    }
    await admin.query(`CREATE DATABASE "${name}"`);
  });
  const urlFor = (applicationName?: string) => {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    if (applicationName) url.searchParams.set('application_name', applicationName);
    return url.toString();
  };
  const sql = createPgExecutor({ connectionString: urlFor('faults_test'), max: 4 });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await sql.close().catch(() => undefined);
    await withAdmin(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  };
  try {
    await runMigrations({ sql });
  } catch (error) {
    await close();
    throw error;
  }
  return {
    name,
    url: urlFor(),
    urlFor: (applicationName) => urlFor(applicationName),
    sql,
    async sessionsOf(applicationName) {
      const result = await sql.query<{ n: number }>(
        `SELECT count(*)::integer AS n FROM pg_stat_activity WHERE datname = :db AND application_name = :app`,
        { db: name, app: applicationName },
      );
      return result.rows[0]?.n ?? 0;
    },
    close,
  };
}
