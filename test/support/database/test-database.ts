/**
 * A fresh, migrated database for one test file. With `TEST_DATABASE_URL` set (CI's second pass)
 * it is a new uniquely named database on that PostgreSQL server, dropped by `close()`; otherwise
 * an in-memory PGlite. Create it once per file (`beforeAll`) and share it between the tests.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { ClosableSqlExecutor } from '../../../functions/ports/sql-executor.js';
import { createPgExecutor } from '../../../functions/adapters/sql/pg-executor.js';
import { createPgliteExecutor } from '../../../functions/adapters/sql/pglite-executor.js';
import {
  readMigrationFiles,
  runMigrations,
  type MigrationFile,
} from '../../../functions/adapters/sql/run-migrations.js';

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
  const files =
    options.migrate === false ? [] : (options.files ?? (await readMigrationFiles(options.directory)));
  const database =
    engine === 'postgres'
      ? await createPostgresTestDatabase({ serverUrl: requireUrl(serverUrl), migrate: false })
      : await createPgliteDatabase(files);
  try {
    // On a PGlite restored from a snapshot this only checks the recorded checksums.
    await runMigrations({ sql: database.sql, files });
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

function requireUrl(url: string | undefined): string {
  if (!url) throw new Error('A postgres test database needs TEST_DATABASE_URL or serverUrl');
  return url;
}

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

// Starting PGlite runs initdb (seconds); restoring a data directory is several times faster. So
// the first test process to migrate a schema leaves a snapshot in the temp folder, keyed by the
// PGlite version and the migrations' text, and every later database starts from it.
const snapshots = new Map<string, Blob>();

async function createPgliteDatabase(files: MigrationFile[]): Promise<TestDatabase> {
  const key = await snapshotKey(files);
  const snapshotPath = path.join(tmpdir(), `affiliate-pglite-${key}.tar`);
  let snapshot = snapshots.get(key);
  if (!snapshot) {
    const bytes = await readFile(snapshotPath).catch(() => undefined);
    if (bytes) snapshot = new Blob([bytes]);
  }
  if (snapshot) {
    const restored = await PGlite.create({ loadDataDir: snapshot }).catch(() => undefined);
    if (restored) {
      snapshots.set(key, snapshot);
      return pgliteDatabase(restored);
    }
  }
  const db = await PGlite.create();
  const database = pgliteDatabase(db);
  await runMigrations({ sql: database.sql, files });
  const dump = await db.dumpDataDir('none');
  snapshots.set(key, dump);
  const partial = `${snapshotPath}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
  await rename(partial, snapshotPath);
  await removeStaleSnapshots(snapshotPath);
  return database;
}

/** Snapshots of older schemas are 40 MB each; drop those nobody has written for an hour. */
async function removeStaleSnapshots(current: string): Promise<void> {
  const names = await readdir(tmpdir()).catch(() => [] as string[]);
  const cutoff = Date.now() - 3_600_000;
  for (const name of names) {
    const file = path.join(tmpdir(), name);
    if (!name.startsWith('affiliate-pglite-') || file === current) continue;
    const info = await stat(file).catch(() => undefined);
    if (info && info.mtimeMs < cutoff) await unlink(file).catch(() => undefined);
  }
}

function pgliteDatabase(db: PGlite): TestDatabase {
  const sql = createPgliteExecutor(db);
  return { sql, engine: 'pglite', close: () => sql.close() };
}

async function snapshotKey(files: MigrationFile[]): Promise<string> {
  const hash = createHash('sha256');
  const manifest = await readFile(
    path.join(repositoryRoot, 'node_modules/@electric-sql/pglite/package.json'),
    'utf8',
  ).catch(() => 'unknown');
  hash.update(manifest);
  for (const file of files) hash.update(`\0${file.name}\0${file.text}`);
  return hash.digest('hex').slice(0, 32);
}

export interface PostgresTestDatabase extends TestDatabase {
  engine: 'postgres';
  name: string;
  url: string;
  /** The database's URL with its sessions tagged by `application_name` (to find them in pg_stat_activity). */
  urlFor(applicationName: string): string;
  /** Sessions of `applicationName` still connected to this database. */
  sessionsOf(applicationName: string): Promise<number>;
}

export interface PostgresTestDatabaseOptions {
  /** The server to create the database on. */
  serverUrl: string;
  /** Name prefix; a suite's own prefix keeps its leftovers apart (default `sqltest_`). */
  prefix?: string;
  /** Apply the repository's migrations (default true). */
  migrate?: boolean;
}

const sweptPrefixes = new Set<string>();

/**
 * A new uniquely named database `<prefix><base36 time>_<random>` on a PostgreSQL server, migrated,
 * dropped by `close()` WITH (FORCE): a killed child process may have left a session behind.
 */
export async function createPostgresTestDatabase(options: PostgresTestDatabaseOptions): Promise<PostgresTestDatabase> {
  const { serverUrl, prefix = 'sqltest_' } = options;
  const name = `${prefix}${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await withAdminClient(serverUrl, async (admin) => {
    if (!sweptPrefixes.has(prefix)) {
      sweptPrefixes.add(prefix);
      await dropStaleDatabases(admin, prefix);
    }
    await admin.query(`CREATE DATABASE "${name}"`);
  });
  const urlFor = (applicationName?: string) => {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    if (applicationName) url.searchParams.set('application_name', applicationName);
    return url.toString();
  };
  // Enough connections for the concurrency tests (duplicate deliveries racing) to really race.
  const sql = createPgExecutor({ connectionString: urlFor(), max: 8 });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await sql.close().catch(() => undefined);
    await withAdminClient(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  };
  if (options.migrate !== false) {
    try {
      await runMigrations({ sql });
    } catch (error) {
      await close();
      throw error;
    }
  }
  return {
    sql,
    engine: 'postgres',
    name,
    url: urlFor(),
    urlFor,
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

/**
 * A test process killed mid-run never drops its database. Names carry their creation time, so
 * the next run drops those of the same prefix older than two hours (no suite runs that long).
 */
async function dropStaleDatabases(admin: pg.Client, prefix: string): Promise<void> {
  const result = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${prefix}%`]);
  const cutoff = Date.now() - 2 * 3_600_000;
  for (const { datname } of result.rows) {
    const created = parseInt(datname.slice(prefix.length).split('_')[0] ?? '', 36);
    if (Number.isFinite(created) && created < cutoff) {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => undefined);
    }
  }
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
