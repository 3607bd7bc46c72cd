/**
 * retention and the web app's sign-in records: sessions that ended and links that expired more
 * than the click IPs' age ago (90 days by default) are deleted, as the retention role; recent
 * ones stay, and a link is kept while a session refers to it.
 */
import { describe, expect, it } from 'vitest';
import { createRoleExecutor } from '../../../functions/adapters/sql/role-executor.js';
import { applyRetention } from '../../../functions/use-cases/apply-retention.js';
import { databaseJobRoles } from '../../../lib/resources.js';
import { useTestDatabase } from '../../support/database/use-test-database.js';
import { seedProgram, type SeededProgram } from '../../support/fixtures/seed.js';

let program: SeededProgram;
const now = new Date('2026-03-01T12:00:00.000Z');

const db = useTestDatabase(async () => {
  program = await seedProgram(db.sql, { partners: 1 });
}, 60_000);

async function link(hash: string, expiresAt: string): Promise<number> {
  const { rows } = await db.sql.query<{ id: number }>(
    `INSERT INTO auth_tokens (token_hash, role, email, partner_id, requested_ip, created_at, expires_at)
     VALUES (:h, 'partner', 'pat@example.com', :p::integer, '203.0.113.9', :e::timestamptz - interval '15 minutes', :e::timestamptz) RETURNING auth_token_id AS id`,
    { h: hash.padEnd(64, '0'), p: program.partners[0]!.partnerId, e: expiresAt },
  );
  return Number(rows[0]!.id);
}

async function session(hash: string, tokenId: number, idleExpiresAt: string, revokedAt: string | null = null): Promise<number> {
  const { rows } = await db.sql.query<{ id: number }>(
    `INSERT INTO web_sessions (session_hash, role, email, partner_id, auth_token_id, ip_address, created_at, last_seen_at, idle_expires_at, expires_at, revoked_at)
     VALUES (:h, 'partner', 'pat@example.com', :p::integer, :t::bigint, '203.0.113.9', :i::timestamptz - interval '30 minutes',
             :i::timestamptz - interval '30 minutes', :i::timestamptz, :i::timestamptz + interval '11 hours', :r::timestamptz) RETURNING web_session_id AS id`,
    { h: hash.padEnd(64, '0'), p: program.partners[0]!.partnerId, t: tokenId, i: idleExpiresAt, r: revokedAt },
  );
  return Number(rows[0]!.id);
}

describe('retention of sign-in records', () => {
  it('deletes sessions ended and links expired over 90 days ago, keeps the rest', async () => {
    const oldLink = await link('a1', '2025-11-01T00:00:00Z');
    const oldSession = await session('b1', oldLink, '2025-11-01T01:00:00Z');
    const linkOfRecentSession = await link('a2', '2025-11-01T00:00:00Z');
    // Revoked long ago though its idle expiry would be recent: ended at the revocation.
    const revoked = await session('b2', await link('a3', '2025-10-01T00:00:00Z'), '2026-02-28T00:00:00Z', '2025-10-01T00:10:00Z');
    const recentSession = await session('b3', linkOfRecentSession, '2026-02-20T00:00:00Z');
    const recentLink = await link('a4', '2026-02-01T00:00:00Z');

    const counts = await applyRetention({ sql: createRoleExecutor(db.sql, databaseJobRoles.retention), now, input: {} });
    expect(counts).toMatchObject({ web_sessions_deleted: 2, sign_in_links_deleted: 2 });
    const sessions = (await db.sql.query<{ id: number }>(`SELECT web_session_id AS id FROM web_sessions ORDER BY 1`)).rows.map((r) => Number(r.id));
    expect(sessions).toEqual([recentSession]);
    expect(sessions).not.toContain(oldSession);
    expect(sessions).not.toContain(revoked);
    const links = (await db.sql.query<{ id: number }>(`SELECT auth_token_id AS id FROM auth_tokens ORDER BY 1`)).rows.map((r) => Number(r.id));
    expect(links).toEqual([linkOfRecentSession, recentLink].sort((a, b) => a - b));
  });
});
