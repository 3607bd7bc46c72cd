/**
 * schema/0013_database_roles.sql: each function's role holds only its grants. Run on PGlite and,
 * when one answers (TEST_POSTGRES_URL, else 127.0.0.1:5432), on PostgreSQL, where the roles also
 * log in with a password as they do through their Data API secret on AWS.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoleExecutor } from '../../functions/adapters/sql/role-executor.js';
import type { SqlExecutor } from '../../functions/ports/sql-executor.js';
import { databaseJobRoles, functions, type DatabaseLoginRole, type FunctionDeclaration } from '../../lib/resources.js';
import { createTestDatabase, isPostgresReachable, postgresServerUrl, type TestDatabase } from '../support/database/test-database.js';

const serverUrl = process.env.TEST_POSTGRES_URL ?? postgresServerUrl;
const postgresReachable = await isPostgresReachable(serverUrl);

const loginRoles = [
  ...new Set(Object.values(functions as Record<string, FunctionDeclaration>).flatMap((fn) => (fn.databaseRole ? [fn.databaseRole] : []))),
] as DatabaseLoginRole[];
const jobRoles = Object.values(databaseJobRoles);
const allRoles = [...loginRoles, ...jobRoles];

/** The SQLSTATE of the rejection of `promise`; fails when it resolves. */
async function sqlStateOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code ?? `no code: ${(error as Error).message}`;
  }
  throw new Error('expected the statement to be refused');
}

async function seedAuditRow(sql: SqlExecutor): Promise<number> {
  const { rows } = await sql.query<{ audit_log_id: number }>(
    `INSERT INTO audit_logs (entity_type, entity_id, action, actor_type, ip_address)
     VALUES ('conversion_events', 1, 'approve', 'system', '203.0.113.0') RETURNING audit_log_id`,
  );
  return rows[0]!.audit_log_id;
}

const engines = [
  { engine: 'pglite' as const, run: true },
  { engine: 'postgres' as const, run: postgresReachable },
];

describe.each(engines)('database roles on $engine', ({ engine, run }) => {
  let db: TestDatabase;
  const as = (role: string) => createRoleExecutor(db.sql, role);

  beforeAll(async () => {
    if (!run) return;
    db = await createTestDatabase({ engine, serverUrl: engine === 'postgres' ? serverUrl : undefined });
  });
  afterAll(async () => {
    await db?.close();
  });

  it.skipIf(!run)('declares one login role per function that uses the database, and none for the redirect', () => {
    expect(functions.redirect.databaseRole).toBeNull();
    expect(loginRoles).toHaveLength(6);
    expect(new Set(loginRoles).size).toBe(
      Object.values(functions as Record<string, FunctionDeclaration>).filter((fn) => fn.databaseRole).length,
    );
  });

  it.skipIf(!run)('creates every role NOLOGIN (a password comes only from its secret) and NOINHERIT', async () => {
    const { rows } = await db.sql.query<{ rolname: string; rolcanlogin: boolean; rolinherit: boolean; rolsuper: boolean }>(
      `SELECT rolname, rolcanlogin, rolinherit, rolsuper FROM pg_roles WHERE rolname = ANY(:roles::text[]) ORDER BY rolname`,
      { roles: allRoles },
    );
    expect(rows.map((row) => row.rolname)).toEqual([...allRoles].sort());
    for (const row of rows) {
      expect(row).toMatchObject({ rolinherit: false, rolsuper: false });
      // On a shared PostgreSQL the password test below logs in and then sets NOLOGIN again.
      if (engine === 'pglite') expect(row.rolcanlogin).toBe(false);
    }
  });

  it.skipIf(!run)('refuses the webhook role any access to payouts, payout events and payment methods', async () => {
    const webhooks = as('affiliate_webhooks');
    for (const table of ['payouts', 'payout_events', 'partner_payment_methods', 'commission_adjustments']) {
      expect(await sqlStateOf(webhooks.query(`SELECT count(*) FROM ${table}`)), table).toBe('42501');
    }
    // What it does need still works: the integration lookup of functions/repositories/accounts/integrations.ts.
    await expect(webhooks.query(`SELECT count(*)::int AS n FROM integrations i JOIN vendors v ON v.vendor_id = i.vendor_id`)).resolves.toMatchObject({
      rows: [{ n: 0 }],
    });
    expect(await sqlStateOf(webhooks.query(`INSERT INTO integrations (vendor_id, name, type) VALUES (1, 'x', 'stripe')`))).toBe('42501');
  });

  it.skipIf(!run)('lets only the retention role DELETE audit logs, even with the purge switch on (0012)', async () => {
    const id = await seedAuditRow(db.sql);
    for (const role of [...loginRoles, databaseJobRoles.erasure]) {
      const state = await sqlStateOf(
        as(role).transaction(async (tx) => {
          await tx.query(`SELECT set_config('app.audit_maintenance', 'on', true), set_config('app.audit_purge_before', '9999-01-01 00:00:00', true)`);
          await tx.query(`DELETE FROM audit_logs WHERE audit_log_id = :id::bigint`, { id });
        }),
      );
      expect(state, role).toBe('42501');
    }
    const deleted = await as(databaseJobRoles.retention).transaction(async (tx) => {
      await tx.query(`SELECT set_config('app.audit_maintenance', 'on', true), set_config('app.audit_purge_before', '9999-01-01 00:00:00', true)`);
      return tx.query(`DELETE FROM audit_logs WHERE audit_log_id = :id::bigint`, { id });
    });
    expect(deleted.rowCount).toBe(1);
  });

  it.skipIf(!run)('lets only the erasure role UPDATE audit logs (pseudonymising an IP)', async () => {
    const id = await seedAuditRow(db.sql);
    for (const role of [...loginRoles, databaseJobRoles.retention]) {
      const state = await sqlStateOf(
        as(role).transaction(async (tx) => {
          await tx.query(`SELECT set_config('app.audit_maintenance', 'on', true)`);
          await tx.query(`UPDATE audit_logs SET ip_address = NULL WHERE audit_log_id = :id::bigint`, { id });
        }),
      );
      expect(state, role).toBe('42501');
    }
    await as(databaseJobRoles.erasure).transaction(async (tx) => {
      await tx.query(`SELECT set_config('app.audit_maintenance', 'on', true)`);
      await tx.query(`UPDATE audit_logs SET ip_address = NULL WHERE audit_log_id = :id::bigint`, { id });
    });
    const { rows } = await db.sql.query(`SELECT ip_address FROM audit_logs WHERE audit_log_id = :id::bigint`, { id });
    expect(rows).toEqual([{ ip_address: null }]);
  });

  it.skipIf(!run)('holds UPDATE or DELETE on audit_logs, TRUNCATE anywhere, in no role but retention and erasure', async () => {
    const { rows } = await db.sql.query<{ role: string; privilege: string }>(
      `SELECT r.rolname AS role, p.privilege
       FROM pg_roles r CROSS JOIN unnest(ARRAY['UPDATE', 'DELETE', 'TRUNCATE']) AS p(privilege)
       WHERE r.rolname = ANY(:roles::text[]) AND has_table_privilege(r.oid, 'audit_logs', p.privilege)
       ORDER BY 1, 2`,
      { roles: allRoles },
    );
    expect(rows).toEqual([
      { role: 'affiliate_erasure', privilege: 'UPDATE' },
      { role: 'affiliate_retention', privilege: 'DELETE' },
    ]);
    const truncate = await db.sql.query(
      `SELECT r.rolname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
       CROSS JOIN pg_roles r
       WHERE c.relkind = 'r' AND r.rolname = ANY(:roles::text[]) AND has_table_privilege(r.oid, c.oid, 'TRUNCATE')`,
      { roles: allRoles },
    );
    expect(truncate.rows).toEqual([]);
  });

  it.skipIf(!run)('lets only the management API and the scheduled jobs switch to the retention and erasure roles', async () => {
    const { rows } = await db.sql.query<{ member: string; job_role: string }>(
      `SELECT m.rolname AS member, j.rolname AS job_role FROM pg_roles m CROSS JOIN pg_roles j
       WHERE m.rolname = ANY(:logins::text[]) AND j.rolname = ANY(:jobs::text[]) AND pg_has_role(m.oid, j.oid, 'MEMBER')
       ORDER BY 1, 2`,
      { logins: loginRoles, jobs: jobRoles },
    );
    expect(rows).toEqual([
      { member: 'affiliate_management_api', job_role: 'affiliate_erasure' },
      { member: 'affiliate_management_api', job_role: 'affiliate_retention' },
      { member: 'affiliate_scheduled_jobs', job_role: 'affiliate_erasure' },
      { member: 'affiliate_scheduled_jobs', job_role: 'affiliate_retention' },
    ]);
    // NOINHERIT: membership alone grants nothing; the job's transaction must switch.
    const { rows: inherited } = await db.sql.query(
      `SELECT has_table_privilege('affiliate_scheduled_jobs', 'audit_logs', 'DELETE') AS delete_audit,
              has_table_privilege('affiliate_management_api', 'cookies', 'DELETE') AS delete_cookies`,
    );
    expect(inherited).toEqual([{ delete_audit: false, delete_cookies: false }]);
  });

  it.skipIf(!run)('grants every table of the schema to at least one function role (a new table needs its grants)', async () => {
    const { rows } = await db.sql.query<{ relname: string }>(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
       WHERE c.relkind IN ('r', 'p') AND c.relname <> 'schema_migrations' AND NOT c.relispartition
         AND NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = ANY(:roles::text[]) AND has_table_privilege(r.oid, c.oid, 'SELECT'))
       ORDER BY 1`,
      { roles: allRoles },
    );
    expect(rows.map((row) => row.relname)).toEqual([]);
    const migrations = await sqlStateOf(as('affiliate_management_api').query(`SELECT count(*) FROM schema_migrations`));
    expect(migrations).toBe('42501');
  });

  it.skipIf(!run)('gives a role its tables’ sequences only where it may INSERT', async () => {
    const { rows } = await db.sql.query<{ webhooks: boolean; notify: boolean; erasure_audit: boolean }>(
      `SELECT has_sequence_privilege('affiliate_webhooks', pg_get_serial_sequence('payouts', 'payout_id'), 'USAGE') AS webhooks,
              has_sequence_privilege('affiliate_notify_vendors', pg_get_serial_sequence('payouts', 'payout_id'), 'USAGE') AS notify,
              has_sequence_privilege('affiliate_erasure', pg_get_serial_sequence('audit_logs', 'audit_log_id'), 'USAGE') AS erasure_audit`,
    );
    expect(rows).toEqual([{ webhooks: false, notify: false, erasure_audit: true }]);
  });

  it.skipIf(!run)('lets every role that may INSERT into a table draw from its sequences (a new table needs grant_function_sequence_usage())', async () => {
    const { rows } = await db.sql.query(
      `SELECT r.rolname, seq.relname
       FROM pg_class seq
       JOIN pg_depend dep ON dep.classid = 'pg_class'::regclass AND dep.objid = seq.oid AND dep.deptype IN ('a', 'i')
       JOIN pg_class tbl ON tbl.oid = dep.refobjid
       CROSS JOIN pg_roles r
       WHERE seq.relkind = 'S' AND r.rolname = ANY(:roles::text[])
         AND has_table_privilege(r.oid, tbl.oid, 'INSERT') AND NOT has_sequence_privilege(r.oid, seq.oid, 'USAGE')`,
      { roles: allRoles },
    );
    expect(rows).toEqual([]);
  });

  it.skipIf(!run)('refuses to give a password to a job role, the master user or a short secret', async () => {
    const long = 'p'.repeat(40);
    expect(await sqlStateOf(db.sql.query(`SELECT set_function_role_password(:role, :password)`, { role: 'affiliate_retention', password: long }))).toBe('22023');
    expect(await sqlStateOf(db.sql.query(`SELECT set_function_role_password(:role, :password)`, { role: 'postgres', password: long }))).toBe('22023');
    expect(
      await sqlStateOf(db.sql.query(`SELECT set_function_role_password(:role, :password)`, { role: 'affiliate_webhooks', password: 'short' })),
    ).toBe('22023');
    // Not callable by the functions themselves.
    expect(
      await sqlStateOf(as('affiliate_management_api').query(`SELECT set_function_role_password(:role, :password)`, { role: 'affiliate_webhooks', password: long })),
    ).toBe('42501');
  });

  it.skipIf(!run || engine !== 'postgres')('logs a role in with the password from its secret, as the Data API does, with only its grants', async () => {
    const password = `t${Math.random().toString(36).slice(2)}${'x'.repeat(40)}`;
    await db.sql.query(`SELECT set_function_role_password(:role, :password)`, { role: 'affiliate_webhooks', password });
    const url = new URL(db.url!);
    url.username = 'affiliate_webhooks';
    url.password = password;
    const client = new pg.Client({ connectionString: url.toString() });
    try {
      await client.connect();
      const who = await client.query(`SELECT current_user, session_user`);
      expect(who.rows).toEqual([{ current_user: 'affiliate_webhooks', session_user: 'affiliate_webhooks' }]);
      await expect(client.query(`SELECT count(*) FROM payouts`)).rejects.toMatchObject({ code: '42501' });
      // Logged in as itself, the webhook role cannot switch to a job role: it is not a member.
      await expect(client.query(`SET ROLE affiliate_retention`)).rejects.toMatchObject({ code: '42501' });
      const integrations = await client.query(`SELECT count(*)::int AS n FROM integrations`);
      expect(integrations.rows).toEqual([{ n: 0 }]);
    } finally {
      await client.end().catch(() => undefined);
      // Roles are shared by every database of the server: leave this one as the migration made it.
      await db.sql.query(`ALTER ROLE affiliate_webhooks NOLOGIN PASSWORD NULL`);
    }
  });

  it.skipIf(!run || engine !== 'pglite')('accepts a password for exactly the login roles lib/resources.ts declares', async () => {
    // PGlite only: the roles of a PostgreSQL server are shared with every other test database.
    for (const role of loginRoles) {
      await db.sql.query(`SELECT set_function_role_password(:role, :password)`, { role, password: `${role}-${'p'.repeat(32)}` });
    }
    const { rows } = await db.sql.query<{ rolname: string }>(`SELECT rolname FROM pg_roles WHERE rolcanlogin AND rolname LIKE 'affiliate%' ORDER BY 1`);
    expect(rows.map((row) => row.rolname)).toEqual([...loginRoles].sort());
  });
});
