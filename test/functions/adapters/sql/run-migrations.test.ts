import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  MigrationChecksumError,
  MigrationFailedError,
  readMigrationFiles,
  runMigrations,
} from '../../../../functions/adapters/sql/run-migrations.js';
import { createPgExecutor } from '../../../../functions/adapters/sql/pg-executor.js';
import {
  createTestDatabase,
  isPostgresReachable,
  postgresServerUrl,
  type TestDatabase,
} from '../../../support/database/test-database.js';

const fixtures = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

describe('runMigrations', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    // PGlite, or a fresh PostgreSQL database when TEST_DATABASE_URL is set.
    db = await createTestDatabase({ migrate: false });
  });

  afterAll(async () => {
    await db?.close();
  });

  beforeEach(async () => {
    await db.sql.query('DROP SCHEMA public CASCADE');
    await db.sql.query('CREATE SCHEMA public');
  });

  const recorded = async () =>
    (await db.sql.query<{ name: string; checksum: string }>('SELECT name, checksum FROM schema_migrations ORDER BY name'))
      .rows;

  it('applies every NNNN_*.sql file in name order, ignoring other files, and records checksums', async () => {
    const logged: string[] = [];
    const result = await runMigrations({ sql: db.sql, directory: fixtures('ok'), log: (line) => logged.push(line) });

    expect(result.applied).toEqual(['0001_create_accounts.sql', '0002_seed_accounts.sql']);
    expect(logged).toEqual([
      'applied 0001_create_accounts.sql (3 statements)',
      'applied 0002_seed_accounts.sql (2 statements)',
    ]);
    const accounts = await db.sql.query('SELECT name, balance, note FROM accounts ORDER BY name');
    expect(accounts.rows).toEqual([
      { name: 'house', balance: '100.10', note: "semi;colon and 'quotes' and a :colon" },
      { name: 'partner', balance: '0.20', note: 'tab\there' },
    ]);
    const files = await readMigrationFiles(fixtures('ok'));
    expect(await recorded()).toEqual(
      files.map((file) => ({ name: file.name, checksum: expect.stringMatching(/^[0-9a-f]{64}$/) })),
    );
    // The trigger from 0001's dollar-quoted body is live.
    await expect(db.sql.query("UPDATE accounts SET balance = -1 WHERE name = 'house'")).rejects.toThrow(
      /would be negative/,
    );
  });

  it('is a no-op the second time', async () => {
    await runMigrations({ sql: db.sql, directory: fixtures('ok') });
    const before = await recorded();
    expect(await runMigrations({ sql: db.sql, directory: fixtures('ok') })).toEqual({ applied: [] });
    expect(await recorded()).toEqual(before);
  });

  it('applies only the new file when one is added later', async () => {
    const files = await readMigrationFiles(fixtures('ok'));
    expect((await runMigrations({ sql: db.sql, files: files.slice(0, 1) })).applied).toEqual([
      '0001_create_accounts.sql',
    ]);
    expect((await runMigrations({ sql: db.sql, files })).applied).toEqual(['0002_seed_accounts.sql']);
  });

  it('sorts files given out of order (Lambda bundles pass them inline)', async () => {
    const files = await readMigrationFiles(fixtures('ok'));
    const result = await runMigrations({ sql: db.sql, files: [...files].reverse() });
    expect(result.applied).toEqual(['0001_create_accounts.sql', '0002_seed_accounts.sql']);
  });

  it('refuses an applied migration whose text changed', async () => {
    const files = await readMigrationFiles(fixtures('ok'));
    await runMigrations({ sql: db.sql, files });
    const edited = files.map((file) =>
      file.name === '0001_create_accounts.sql' ? { ...file, text: `${file.text}\n-- edited after deploy\n` } : file,
    );
    const attempt = runMigrations({ sql: db.sql, files: edited });
    await expect(attempt).rejects.toThrow(MigrationChecksumError);
    await expect(attempt).rejects.toThrow(/0001_create_accounts\.sql was already applied/);
  });

  it('rolls a failing file back entirely and does not record it', async () => {
    const attempt = runMigrations({ sql: db.sql, directory: fixtures('broken') });
    await expect(attempt).rejects.toThrow(MigrationFailedError);
    await expect(attempt).rejects.toThrow(/0002_half_done\.sql failed at statement 3 and was rolled back: .*negative/);

    expect((await recorded()).map((row) => row.name)).toEqual(['0001_create_accounts.sql']);
    const halfDone = await db.sql.query("SELECT to_regclass('public.half_done') AS t");
    expect(halfDone.rows).toEqual([{ t: null }]);
    expect((await db.sql.query('SELECT count(*) AS n FROM accounts')).rows).toEqual([{ n: 0 }]);
  });

  it('treats a missing directory as no migrations', async () => {
    expect(await runMigrations({ sql: db.sql, directory: fixtures('does-not-exist') })).toEqual({ applied: [] });
  });
});

const reachable = await isPostgresReachable(postgresServerUrl);

describe.skipIf(!reachable)('runMigrations with concurrent runners on PostgreSQL', () => {
  it('applies each file exactly once when two runners race', async () => {
    const db = await createTestDatabase({ engine: 'postgres', serverUrl: postgresServerUrl, migrate: false });
    const other = createPgExecutor({ connectionString: db.url ?? '' });
    try {
      const [first, second] = await Promise.all([
        runMigrations({ sql: db.sql, directory: fixtures('ok') }),
        runMigrations({ sql: other, directory: fixtures('ok') }),
      ]);
      expect([...first.applied, ...second.applied].sort()).toEqual([
        '0001_create_accounts.sql',
        '0002_seed_accounts.sql',
      ]);
      expect((await db.sql.query('SELECT count(*) AS n FROM accounts')).rows).toEqual([{ n: 2 }]);
    } finally {
      await other.close();
      await db.close();
    }
  });
});
