/**
 * `auth_tokens` and `web_sessions` (schema/0014_web_sessions.sql): the web app's sign-in links
 * and sessions, both found by the SHA-256 of their secret, plus the lookups of whom an address
 * may sign in as.
 */
import type { SqlExecutor } from '../../ports/sql-executor.js';
import type { VendorRole } from '../../domain/auth/roles.js';
import type { WebRole } from '../../domain/auth/web-session.js';

/** Whom a link or session signs in: a partner, a vendor user, or the operator. */
export interface WebPrincipalRef {
  role: WebRole;
  email: string;
  partner_id: number | null;
  vendor_user_id: number | null;
}

/** The active or pending partner whose address is `email`, if any (a suspended or rejected one gets no link). */
export async function findPartnerIdByEmail(sql: SqlExecutor, email: string): Promise<{ partner_id: number; status: string } | undefined> {
  const { rows } = await sql.query<{ partner_id: number; status: string }>(
    `SELECT partner_id, status FROM partners WHERE lower(email) = lower(:email) AND is_deleted IS NOT TRUE AND status IN ('active', 'pending')
     ORDER BY partner_id LIMIT 1`,
    { email },
  );
  return rows[0];
}

/** The vendor users (one per vendor) whose address is `email` and who may sign in. */
export async function findVendorUsersByEmail(sql: SqlExecutor, email: string): Promise<{ vendor_user_id: number; vendor_id: number; vendor_name: string }[]> {
  const { rows } = await sql.query<{ vendor_user_id: number; vendor_id: number; vendor_name: string }>(
    `SELECT vu.vendor_user_id, vu.vendor_id, v.name AS vendor_name
     FROM vendor_users vu JOIN vendors v ON v.vendor_id = vu.vendor_id
     WHERE lower(vu.email) = lower(:email) AND vu.is_deleted IS NOT TRUE AND vu.status IN ('active', 'pending')
       AND v.is_deleted IS NOT TRUE AND v.status IN ('active', 'inactive')
     ORDER BY vu.vendor_user_id`,
    { email },
  );
  return rows;
}

/** Links sent since `since` to `email` and from `ip` (the rate limits' inputs). */
export async function countRecentAuthTokens(sql: SqlExecutor, input: { email: string; ip: string | null; since: Date }): Promise<{ by_email: number; by_ip: number }> {
  const { rows } = await sql.query<{ by_email: number; by_ip: number }>(
    `SELECT
       (SELECT count(*)::integer FROM auth_tokens WHERE lower(email) = lower(:email) AND created_at > :since::timestamptz) AS by_email,
       (SELECT count(*)::integer FROM auth_tokens WHERE :ip::inet IS NOT NULL AND requested_ip = :ip::inet AND created_at > :since::timestamptz) AS by_ip`,
    { email: input.email, ip: input.ip, since: input.since },
  );
  return rows[0] ?? { by_email: 0, by_ip: 0 };
}

export async function insertAuthToken(
  sql: SqlExecutor,
  input: WebPrincipalRef & { token_hash: string; requested_ip: string | null; now: Date; expires_at: Date },
): Promise<void> {
  await sql.query(
    `INSERT INTO auth_tokens (token_hash, role, email, partner_id, vendor_user_id, requested_ip, created_at, expires_at)
     VALUES (:token_hash, :role, :email, :partner_id::integer, :vendor_user_id::integer, :requested_ip::inet,
             :now::timestamptz, :expires_at::timestamptz)`,
    { ...input },
  );
}

/**
 * Marks the link whose hash is `token_hash` used, if it is unused and not expired at `now`, and
 * returns whom it signs in. One statement: two tabs opening the same link cannot both win.
 */
export async function consumeAuthToken(sql: SqlExecutor, input: { token_hash: string; now: Date }): Promise<(WebPrincipalRef & { auth_token_id: number }) | undefined> {
  const { rows } = await sql.query<WebPrincipalRef & { auth_token_id: number } & Record<string, unknown>>(
    `UPDATE auth_tokens SET used_at = :now::timestamptz
     WHERE token_hash = :token_hash AND used_at IS NULL AND expires_at > :now::timestamptz
     RETURNING auth_token_id, role, email, partner_id, vendor_user_id`,
    input,
  );
  return rows[0];
}

export interface WebSessionRow extends WebPrincipalRef {
  web_session_id: number;
  created_at: string;
  last_seen_at: string;
  idle_expires_at: string;
  expires_at: string;
  revoked_at: string | null;
}

const sessionColumns = `web_session_id, role, email, partner_id, vendor_user_id, created_at, last_seen_at, idle_expires_at,
  expires_at, revoked_at`;

export async function insertWebSession(
  sql: SqlExecutor,
  input: WebPrincipalRef & { session_hash: string; auth_token_id: number; ip_address: string | null; now: Date; idle_expires_at: Date; expires_at: Date },
): Promise<WebSessionRow> {
  const { rows } = await sql.query<WebSessionRow & Record<string, unknown>>(
    `INSERT INTO web_sessions (session_hash, role, email, partner_id, vendor_user_id, auth_token_id, ip_address, created_at,
       last_seen_at, idle_expires_at, expires_at)
     VALUES (:session_hash, :role, :email, :partner_id::integer, :vendor_user_id::integer, :auth_token_id::bigint,
             :ip_address::inet, :now::timestamptz, :now::timestamptz, :idle_expires_at::timestamptz, :expires_at::timestamptz)
     RETURNING ${sessionColumns}`,
    { ...input },
  );
  return rows[0]!;
}

/** The session whose cookie hashes to `session_hash`, live or not (the caller checks). */
export async function findWebSessionByHash(sql: SqlExecutor, sessionHash: string): Promise<WebSessionRow | undefined> {
  const { rows } = await sql.query<WebSessionRow & Record<string, unknown>>(
    `SELECT ${sessionColumns} FROM web_sessions WHERE session_hash = :session_hash`,
    { session_hash: sessionHash },
  );
  return rows[0];
}

/** Slides the idle expiry after a request. */
export async function touchWebSession(sql: SqlExecutor, input: { web_session_id: number; now: Date; idle_expires_at: Date }): Promise<void> {
  await sql.query(
    `UPDATE web_sessions SET last_seen_at = :now::timestamptz, idle_expires_at = :idle_expires_at::timestamptz
     WHERE web_session_id = :web_session_id::bigint AND revoked_at IS NULL`,
    input,
  );
}

export async function revokeWebSession(sql: SqlExecutor, input: { web_session_id: number; now: Date }): Promise<void> {
  await sql.query(
    `UPDATE web_sessions SET revoked_at = :now::timestamptz WHERE web_session_id = :web_session_id::bigint AND revoked_at IS NULL`,
    input,
  );
}

/** A partner's standing, for a partner session. */
export async function findPartnerStanding(sql: SqlExecutor, partnerId: number): Promise<{ status: string } | undefined> {
  const { rows } = await sql.query<{ status: string }>(
    `SELECT status FROM partners WHERE partner_id = :id::integer AND is_deleted IS NOT TRUE`,
    { id: partnerId },
  );
  return rows[0];
}

/** A vendor user's standing and its vendor's, for a vendor session. */
export async function findVendorUserStanding(
  sql: SqlExecutor,
  vendorUserId: number,
): Promise<{ vendor_id: number; role: VendorRole; status: string; vendor_status: string } | undefined> {
  const { rows } = await sql.query<{ vendor_id: number; role: VendorRole; status: string; vendor_status: string }>(
    `SELECT vu.vendor_id, vu.role, vu.status, v.status AS vendor_status
     FROM vendor_users vu JOIN vendors v ON v.vendor_id = vu.vendor_id
     WHERE vu.vendor_user_id = :id::integer AND vu.is_deleted IS NOT TRUE AND v.is_deleted IS NOT TRUE`,
    { id: vendorUserId },
  );
  return rows[0];
}
