import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMigrationFiles } from '../../functions/adapters/sql/run-migrations.js';
import {
  createTestDatabase,
  isPostgresReachable,
  postgresServerUrl,
  type TestDatabase,
} from '../support/database/test-database.js';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `tsx bin/migrate.ts` as `npm run migrate` runs it, with only the given DATABASE_URL. The tsx
 * binary is called directly: `npx` would add npm's own start-up to every run.
 */
async function migrate(databaseUrl: string | undefined): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  if (databaseUrl !== undefined) env.DATABASE_URL = databaseUrl;
  try {
    const { stdout, stderr } = await promisify(execFile)(tsx, ['bin/migrate.ts'], {
      cwd: repositoryRoot,
      env,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('npm run migrate: refusals', () => {
  it('exits 1 naming DATABASE_URL when it is missing', async () => {
    const run = await migrate(undefined);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/DATABASE_URL must name the PostgreSQL/);
  });

  it('exits 1 when the server is unreachable, without printing the password', async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const run = await migrate('postgres://postgres:s3cret@127.0.0.1:1/affiliate');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cannot reach PostgreSQL at 127\.0\.0\.1:1\/affiliate/);
    expect(run.stderr).not.toContain('s3cret');
  });
});

const reachable = await isPostgresReachable(postgresServerUrl);

describe.skipIf(!reachable)('npm run migrate against a fresh PostgreSQL database', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ engine: 'postgres', serverUrl: postgresServerUrl, migrate: false });
  });

  afterAll(async () => {
    await db?.close();
  });

  it('applies every schema/ file, then nothing the second time', async () => {
    const files = (await readMigrationFiles()).map((file) => file.name);
    expect(files.length).toBeGreaterThan(0);

    const first = await migrate(db.url);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    for (const name of files) expect(first.stdout).toContain(`migrate: applied ${name}`);
    expect(first.stdout).toMatch(new RegExp(`applied ${files.length} migration\\(s\\) to 127\\.0\\.0\\.1:5432/`));

    const recorded = await db.sql.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
    expect(recorded.rows.map((row) => row.name)).toEqual(files);

    const second = await migrate(db.url);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/is up to date, nothing applied/);
    expect(second.stdout).not.toMatch(/migrate: applied \d{4}_/);
  });
});
