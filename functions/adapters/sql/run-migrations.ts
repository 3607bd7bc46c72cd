/**
 * The one migration runner, for Aurora (Data API), PostgreSQL and PGlite alike: applies every
 * `NNNN_name.sql` not yet recorded in `schema_migrations`, in name order, each file in one
 * transaction with its statements run one by one, and records its SHA-256. An applied file whose
 * text changed is an error: fix forward with a new file.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlExecutor } from '../../ports/sql-executor.js';
import { splitSqlStatements } from './split-sql-statements.js';

export interface MigrationFile {
  name: string;
  text: string;
}

export interface RunMigrationsInput {
  sql: SqlExecutor;
  /** Folder of `NNNN_*.sql` files; defaults to the repository's `schema/`. */
  directory?: string;
  /** The files themselves, for bundles that carry no folder (Lambda); wins over `directory`. */
  files?: MigrationFile[];
  log?: (message: string) => void;
}

/** Thrown when an applied migration's text no longer matches what was applied. */
export class MigrationChecksumError extends Error {
  constructor(
    readonly migration: string,
    readonly recorded: string,
    readonly actual: string,
  ) {
    super(
      `Migration ${migration} was already applied with checksum ${recorded.trim()} but the file now hashes to ${actual}: applied migrations must not change; add a new migration instead`,
    );
    this.name = 'MigrationChecksumError';
  }
}

/** Thrown when one statement of a migration fails; the whole file was rolled back. */
export class MigrationFailedError extends Error {
  constructor(
    readonly migration: string,
    readonly statementIndex: number,
    options: { cause: unknown },
  ) {
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(`Migration ${migration} failed at statement ${statementIndex + 1} and was rolled back: ${reason}`, options);
    this.name = 'MigrationFailedError';
  }
}

export const defaultMigrationsDirectory = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../schema',
);

const migrationFileName = /^\d{4}_.+\.sql$/;

// Every runner serialises on this key, so two deploys never apply the same file twice.
const migrationLockKey = 7_243_100_001;

/** Applies the pending migrations; returns the names applied (empty when up to date). */
export async function runMigrations(input: RunMigrationsInput): Promise<{ applied: string[] }> {
  const { sql, log = () => undefined } = input;
  const files = input.files
    ? [...input.files].filter((file) => migrationFileName.test(file.name))
    : await readMigrationFiles(input.directory ?? defaultMigrationsDirectory);
  files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  await sql.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(${migrationLockKey})`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
        name TEXT PRIMARY KEY,
        checksum CHAR(64) NOT NULL,
        applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`,
    );
  });

  const recorded = await readRecorded(sql);
  const applied: string[] = [];
  for (const file of files) {
    const checksum = sha256(file.text);
    const known = recorded.get(file.name);
    if (known !== undefined) {
      assertSameChecksum(file.name, known, checksum);
      continue;
    }
    const statements = splitSqlStatements(file.text);
    const didApply = await sql.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(${migrationLockKey})`);
      // Another runner may have applied it while we waited for the lock.
      const again = await tx.query<{ checksum: string }>(
        'SELECT checksum FROM schema_migrations WHERE name = :name',
        { name: file.name },
      );
      const row = again.rows[0];
      if (row) {
        assertSameChecksum(file.name, row.checksum, checksum);
        return false;
      }
      for (const [index, statement] of statements.entries()) {
        try {
          await tx.query(statement);
        } catch (error) {
          throw new MigrationFailedError(file.name, index, { cause: error });
        }
      }
      await tx.query('INSERT INTO schema_migrations (name, checksum) VALUES (:name, :checksum)', {
        name: file.name,
        checksum,
      });
      return true;
    });
    if (didApply) {
      applied.push(file.name);
      log(`applied ${file.name} (${statements.length} statements)`);
    }
  }
  return { applied };
}

/** The `NNNN_*.sql` files of a folder (none when it does not exist), in name order. */
export async function readMigrationFiles(directory: string = defaultMigrationsDirectory): Promise<MigrationFile[]> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files = await Promise.all(
    names
      .filter((name) => migrationFileName.test(name))
      .map(async (name) => ({ name, text: await readFile(path.join(directory, name), 'utf8') })),
  );
  return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function readRecorded(sql: SqlExecutor): Promise<Map<string, string>> {
  const result = await sql.query<{ name: string; checksum: string }>('SELECT name, checksum FROM schema_migrations');
  return new Map(result.rows.map((row) => [row.name, row.checksum]));
}

function assertSameChecksum(name: string, recorded: string, actual: string): void {
  if (recorded.trim() !== actual) throw new MigrationChecksumError(name, recorded, actual);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
