/**
 * schema/0012_privacy_audit_retention.sql on a database that already holds audit rows written
 * under the old singular names: they are renamed to the table names, nothing else changes, and
 * the insert-only trigger is back on afterwards. Plus the dictionary's partner indexes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMigrationFiles, runMigrations } from '../../functions/adapters/sql/run-migrations.js';
import { createTestDatabase, type TestDatabase } from '../support/database/test-database.js';

let db: TestDatabase;

beforeAll(async () => {
  const files = await readMigrationFiles();
  db = await createTestDatabase({ files: files.filter((file) => file.name < '0012_') });
  await db.sql.query(
    `INSERT INTO audit_logs (entity_type, entity_id, action, actor_type, reason) VALUES
       ('conversion_event', 11, 'approve', 'system', 'approval hold period elapsed'),
       ('payout', 12, 'confirm', 'admin', NULL),
       ('partner_payment_method', 13, 'create', 'partner', NULL),
       ('partners', 14, 'create', 'admin', NULL),
       ('erasure', 0, 'erase', 'admin', NULL)`,
  );
  await runMigrations({ sql: db.sql, files });
}, 60_000);

afterAll(async () => {
  await db?.close();
});

describe('0012: audit entity types become table names', () => {
  it('renames the singular names and leaves every other column and row as it was', async () => {
    const { rows } = await db.sql.query(`SELECT entity_type, entity_id, action, actor_type, reason FROM audit_logs ORDER BY entity_id`);
    expect(rows).toEqual([
      { entity_type: 'erasure', entity_id: 0, action: 'erase', actor_type: 'admin', reason: null },
      { entity_type: 'conversion_events', entity_id: 11, action: 'approve', actor_type: 'system', reason: 'approval hold period elapsed' },
      { entity_type: 'payouts', entity_id: 12, action: 'confirm', actor_type: 'admin', reason: null },
      { entity_type: 'partner_payment_methods', entity_id: 13, action: 'create', actor_type: 'partner', reason: null },
      { entity_type: 'partners', entity_id: 14, action: 'create', actor_type: 'admin', reason: null },
    ]);
  });

  it('leaves the insert-only trigger enabled', async () => {
    await expect(db.sql.query(`UPDATE audit_logs SET entity_type = 'payout' WHERE entity_id = 12`)).rejects.toThrow(/insert-only/);
    const { rows } = await db.sql.query<{ tgenabled: string }>(`SELECT tgenabled FROM pg_trigger WHERE tgname = 'trg_audit_logs_insert_only'`);
    expect(rows).toEqual([{ tgenabled: 'O' }]);
  });

  it('creates idx_partners_email and idx_partners_tier as the dictionary lists them', async () => {
    const { rows } = await db.sql.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'partners' AND indexname LIKE 'idx_%' ORDER BY indexname`,
    );
    expect(rows.map((r) => r.indexname)).toEqual(['idx_partners_email', 'idx_partners_tier']);
    expect(rows[0]!.indexdef).toContain('(email)');
    expect(rows[1]!.indexdef).toContain('(tier)');
  });
});
