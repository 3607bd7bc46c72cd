/**
 * A fresh, migrated database for one test file. With `TEST_DATABASE_URL` set (CI's second pass)
 * it is a new uniquely named database on that PostgreSQL server, dropped by `close()`; otherwise
 * an in-memory PGlite. Create it once per file (`beforeAll`) and share it between the tests.
 */
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { ClosableSqlExecutor } from '../../functions/ports/sql-executor.js';
import { createPgExecutor } from '../../functions/adapters/sql/pg-executor.js';
import { createPgliteExecutor } from '../../functions/adapters/sql/pglite-executor.js';
import { runMigrations, type MigrationFile } from '../../functions/adapters/sql/run-migrations.js';

export interface TestDatabase {
  sql: ClosableSqlExecutor;
  engine: 'pglite' | 'postgres';
  /** For PostgreSQL: the new database's URL (e.g. to hand to a child process). */
  url?: string;
  close(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** Apply migrations (default true). */
  migrate?: boolean;
  /** Migration folder; default the repository's `schema/`. */
  directory?: string;
  files?: MigrationFile[];
  /** Force an engine regardless of TEST_DATABASE_URL (used by the adapter suites). */
  engine?: 'pglite' | 'postgres';
  /** Server to create the database on when engine is 'postgres'; default TEST_DATABASE_URL. */
  serverUrl?: string;
}

/** Creates, and by default migrates, a database nobody else uses. */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const serverUrl = options.serverUrl ?? process.env.TEST_DATABASE_URL;
  const engine = options.engine ?? (serverUrl ? 'postgres' : 'pglite');
  const database =
    engine === 'postgres' ? await createPostgresDatabase(requireUrl(serverUrl)) : await createPgliteDatabase();
  if (options.migrate !== false) {
    try {
      await runMigrations({ sql: database.sql, directory: options.directory, files: options.files });
    } catch (error) {
      await database.close();
      throw error;
    }
  }
  return database;
}

function requireUrl(url: string | undefined): string {
  if (!url) throw new Error('A postgres test database needs TEST_DATABASE_URL or serverUrl');
  return url;
}

async function createPgliteDatabase(): Promise<TestDatabase> {
  const db = await PGlite.create();
  const sql = createPgliteExecutor(db);
  return { sql, engine: 'pglite', close: () => sql.close() };
}

async function createPostgresDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = `test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await withAdminClient(serverUrl, (admin) => admin.query(`CREATE DATABASE "${name}"`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const sql = createPgExecutor({ connectionString: url.toString(), max: 4 });
  let closed = false;
  return {
    sql,
    engine: 'postgres',
    url: url.toString(),
    async close() {
      if (closed) return;
      closed = true;
      await sql.close();
      await withAdminClient(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

async function withAdminClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** True when a PostgreSQL server answers at `url` (used to skip suites that need one). */
export async function isPostgresReachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The server the pg suites run against: TEST_DATABASE_URL, or the local default. */
export const postgresServerUrl =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';
