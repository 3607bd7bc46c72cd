import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { ClosableSqlExecutor } from '../../functions/ports/sql-executor.js';
import { createPgliteExecutor } from '../../functions/adapters/sql/pglite-executor.js';
import { createPgExecutor } from '../../functions/adapters/sql/pg-executor.js';
import { runMigrations } from '../../functions/adapters/sql/run-migrations.js';
import type { LocalLog } from './local-log.js';

export interface LocalDatabase {
  sql: ClosableSqlExecutor;
  /** `pglite:<dir>` or the PostgreSQL URL with its password masked. */
  description: string;
  appliedMigrations: string[];
}

function maskPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgresql';
  }
}

/**
 * Opens the local stand-in for Aurora, PGlite persisted under `${dataDir}/pglite` or the
 * PostgreSQL at `databaseUrl`, and applies the pending migrations from `schema/`.
 */
export async function openDatabase(options: { dataDir: string; databaseUrl?: string; log: LocalLog }): Promise<LocalDatabase> {
  let sql: ClosableSqlExecutor;
  let description: string;
  if (options.databaseUrl) {
    sql = createPgExecutor({ connectionString: options.databaseUrl });
    description = maskPassword(options.databaseUrl);
  } else {
    const directory = join(options.dataDir, 'pglite');
    await mkdir(directory, { recursive: true });
    const db = await PGlite.create(directory);
    sql = createPgliteExecutor(db);
    description = `pglite:${directory}`;
  }
  try {
    const { applied } = await runMigrations({ sql, log: (message) => options.log.info(message) });
    return { sql, description, appliedMigrations: applied };
  } catch (error) {
    await sql.close().catch(() => undefined);
    throw error;
  }
}
