/**
 * functions/adapters/sql/role-executor.ts on a migrated database: every statement runs as the role,
 * the role ends with its transaction (PGlite is one session shared by every function; a pooled
 * PostgreSQL connection is reused), and a job role nests inside a function role.
 */
import { describe, expect, it } from 'vitest';
import { createRoleExecutor, InvalidRoleNameError } from '../../../../functions/adapters/sql/role-executor.js';
import { useTestDatabase } from '../../../support/database/use-test-database.js';

const db = useTestDatabase();

const whoAmI = `SELECT current_user AS who`;

describe('createRoleExecutor', () => {
  it('runs a lone statement as the role, and the session is itself again afterwards', async () => {
    const before = (await db.sql.query<{ who: string }>(whoAmI)).rows[0]!.who;
    const webhooks = createRoleExecutor(db.sql, 'affiliate_webhooks');

    expect((await webhooks.query<{ who: string }>(whoAmI)).rows).toEqual([{ who: 'affiliate_webhooks' }]);
    expect((await db.sql.query<{ who: string }>(whoAmI)).rows).toEqual([{ who: before }]);
  });

  it('runs every statement of a transaction as the role, and a refused one rolls the whole transaction back', async () => {
    const notify = createRoleExecutor(db.sql, 'affiliate_notify_vendors');
    const vendor = await db.sql.query<{ vendor_id: number }>(
      `INSERT INTO vendors (name, email) VALUES ('Role Test', :email) RETURNING vendor_id`,
      { email: `role-${Date.now()}@example.test` },
    );
    const notificationId = crypto.randomUUID();
    await expect(
      notify.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO notification_deliveries (notification_id, vendor_id, event_type, payload)
           VALUES (:id::uuid, :vendor::integer, 'conversion.created', '{}'::jsonb)`,
          { id: notificationId, vendor: vendor.rows[0]!.vendor_id },
        );
        expect((await tx.query<{ who: string }>(whoAmI)).rows).toEqual([{ who: 'affiliate_notify_vendors' }]);
        // The notifier may read vendors, never write them.
        await tx.query(`UPDATE vendors SET name = 'changed' WHERE vendor_id = :id::integer`, { id: vendor.rows[0]!.vendor_id });
      }),
    ).rejects.toMatchObject({ code: '42501' });
    const { rows } = await db.sql.query(`SELECT 1 FROM notification_deliveries WHERE notification_id = :id::uuid`, { id: notificationId });
    expect(rows).toEqual([]);
    expect((await db.sql.query<{ who: string }>(whoAmI)).rows[0]!.who).not.toBe('affiliate_notify_vendors');
  });

  it('switches a function role to a job role for that job only', async () => {
    const jobs = createRoleExecutor(db.sql, 'affiliate_scheduled_jobs');
    const retention = createRoleExecutor(jobs, 'affiliate_retention');
    expect((await retention.query<{ who: string }>(whoAmI)).rows).toEqual([{ who: 'affiliate_retention' }]);
    expect((await jobs.query<{ who: string }>(whoAmI)).rows).toEqual([{ who: 'affiliate_scheduled_jobs' }]);
    await expect(jobs.query(`DELETE FROM cookies WHERE FALSE`)).rejects.toMatchObject({ code: '42501' });
    await expect(retention.query(`DELETE FROM cookies WHERE FALSE`)).resolves.toMatchObject({ rowCount: 0 });
  });

  it.each(['Affiliate_API', 'affiliate_api; DROP TABLE payouts', '', 'a b', 'x'.repeat(64)])('refuses the role name %j before any statement', (role) => {
    expect(() => createRoleExecutor(db.sql, role)).toThrow(InvalidRoleNameError);
  });
});
