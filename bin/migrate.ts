/**
 * `npm run migrate`: applies the pending `schema/` migrations to the PostgreSQL named by
 * DATABASE_URL, printing each file applied and a summary. Exits 1 with a clear message when the
 * variable is missing, the server is unreachable or a migration fails.
 */
import { createPgExecutor } from '../functions/adapters/sql/pg-executor.js';
import { defaultMigrationsDirectory, runMigrations } from '../functions/adapters/sql/run-migrations.js';

async function main(): Promise<number> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl || !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    console.error(
      'migrate: DATABASE_URL must name the PostgreSQL to migrate, e.g. DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/affiliate npm run migrate',
    );
    return 1;
  }
  const sql = createPgExecutor({ connectionString: databaseUrl, max: 1 });
  const where = describe(databaseUrl);
  try {
    try {
      await sql.query('SELECT 1');
    } catch (error) {
      console.error(`migrate: cannot reach PostgreSQL at ${where}: ${message(error)}`);
      return 1;
    }
    const started = Date.now();
    const { applied } = await runMigrations({
      sql,
      directory: defaultMigrationsDirectory,
      log: (line) => console.log(`migrate: ${line}`),
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      applied.length === 0
        ? `migrate: ${where} is up to date, nothing applied`
        : `migrate: applied ${applied.length} migration(s) to ${where} in ${seconds}s`,
    );
    return 0;
  } catch (error) {
    console.error(`migrate: ${message(error)}`);
    return 1;
  } finally {
    await sql.close();
  }
}

/** host:port/database, never the password. */
function describe(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

function message(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return message(error.errors[0]);
  return error instanceof Error ? error.message || error.name : String(error);
}

process.exitCode = await main();
