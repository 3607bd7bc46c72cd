/**
 * Migration 0011 repairs the webhook secrets issued before it: checked with the `standardwebhooks`
 * library (what vendors verify with), on PGlite and, with TEST_DATABASE_URL, on PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMigrationFiles, runMigrations, type MigrationFile } from '../../functions/adapters/sql/run-migrations.js';
import { createTestDatabase, type TestDatabase } from '../support/database/test-database.js';

/** What the platform issued before 0011: whsec_ + base64url of 24 random bytes (fixed seed). */
const oldKeys = fc.sample(fc.uint8Array({ minLength: 24, maxLength: 24 }), { seed: 12, numRuns: 80 }).map((bytes) => Buffer.from(bytes));
const oldSecret = (key: Buffer) => `whsec_${key.toString('base64url')}`;
const unusable = [null, 'whsec_', 'whsec_not base64!', 'plain-text-secret', 'whsec_abcde'];
const alreadyValid = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

let db: TestDatabase;
let all: MigrationFile[];
const ids = { old: [] as number[], unusable: [] as number[], valid: 0 };

async function insertVendor(secret: string | null): Promise<number> {
  const { rows } = await db.sql.query<{ id: number }>(
    `INSERT INTO vendors (name, email, webhook_secret) VALUES ('V', :email, :secret) RETURNING vendor_id AS id`,
    { email: `m12-${randomUUID()}@example.com`, secret },
  );
  return Number(rows[0]!.id);
}

const secretOf = async (id: number) =>
  (await db.sql.query<{ s: string }>(`SELECT webhook_secret AS s FROM vendors WHERE vendor_id = :id::integer`, { id })).rows[0]!.s;

beforeAll(async () => {
  all = await readMigrationFiles();
  db = await createTestDatabase({ files: all.filter((file) => file.name < '0011') });
  for (const key of oldKeys) ids.old.push(await insertVendor(oldSecret(key)));
  for (const secret of unusable) ids.unusable.push(await insertVendor(secret));
  ids.valid = await insertVendor(alreadyValid);
  await runMigrations({ sql: db.sql, files: all });
});
afterAll(async () => {
  await db?.close();
});

describe(`0011 on ${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  it('the fixture really had the bug: most old secrets were refused by the library', () => {
    const refused = oldKeys.filter((key) => {
      try {
        new Webhook(oldSecret(key));
        return false;
      } catch {
        return true;
      }
    });
    expect(refused.length).toBeGreaterThan(oldKeys.length / 2);
  });

  it('re-spells every base64url secret in standard base64 with the SAME key bytes', async () => {
    for (const [index, id] of ids.old.entries()) {
      const secret = await secretOf(id);
      expect(secret).toBe(`whsec_${oldKeys[index]!.toString('base64')}`);
      // What the vendor's library signs with this secret equals an HMAC under the original key.
      const signedByNew = new Webhook(secret).sign('msg_1', new Date(1_700_000_000_000), '{}');
      const signedByKey = new Webhook(oldKeys[index]!, { format: 'raw' }).sign('msg_1', new Date(1_700_000_000_000), '{}');
      expect(signedByNew).toBe(signedByKey);
    }
  });

  it('replaces secrets that cannot sign with a new 32-byte one, audited', async () => {
    const replaced = new Set<string>();
    for (const id of ids.unusable) {
      const secret = await secretOf(id);
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(() => new Webhook(secret)).not.toThrow();
      replaced.add(secret);
      const { rows } = await db.sql.query<{ action: string; actor_type: string }>(
        `SELECT action, actor_type FROM audit_logs WHERE entity_type = 'vendors' AND entity_id = :id::bigint`,
        { id },
      );
      expect(rows).toEqual([{ action: 'rotate_webhook_secret', actor_type: 'system' }]);
    }
    expect(replaced.size).toBe(ids.unusable.length);
  });

  it('leaves valid secrets alone', async () => {
    expect(await secretOf(ids.valid)).toBe(alreadyValid);
  });
});
