/**
 * `vendor_users`: a vendor's team. Every API key of a vendor acts as one of these users.
 */
import type { SqlExecutor } from '../../ports/sql-executor.js';
import type { VendorRole } from '../../domain/auth/roles.js';

export interface VendorUserRow {
  vendor_user_id: number;
  vendor_id: number;
  email: string;
  name: string;
  role: VendorRole;
  status: string;
  invited_by: number | null;
  invited_at: string | null;
  joined_at: string | null;
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
}

const columns = `vendor_user_id, vendor_id, email, name, role, status, invited_by, invited_at, joined_at, last_login_at,
  created_at, updated_at`;

export async function insertVendorUser(
  sql: SqlExecutor,
  input: {
    vendor_id: number;
    email: string;
    name: string;
    role: VendorRole;
    status: 'active' | 'pending';
    invited_by?: number | null;
    now: Date;
  },
): Promise<VendorUserRow> {
  const { rows } = await sql.query<VendorUserRow & Record<string, unknown>>(
    `INSERT INTO vendor_users (vendor_id, email, name, role, status, invited_by, invited_at, joined_at, created_at, updated_at)
     VALUES (:vendor_id::integer, :email, :name, :role, :status::text, :invited_by::integer,
             CASE WHEN :status::text = 'pending' THEN :now::timestamptz END,
             CASE WHEN :status::text = 'active' THEN :now::timestamptz END,
             :now::timestamptz, :now::timestamptz)
     RETURNING ${columns}`,
    { ...input, invited_by: input.invited_by ?? null },
  );
  return rows[0]!;
}

/** A live (not deleted) user of `vendor_id`; undefined for another vendor's user. */
export async function findVendorUser(
  sql: SqlExecutor,
  input: { vendor_id: number; vendor_user_id: number; forUpdate?: boolean },
): Promise<VendorUserRow | undefined> {
  const { rows } = await sql.query<VendorUserRow & Record<string, unknown>>(
    `SELECT ${columns} FROM vendor_users
     WHERE vendor_user_id = :id::integer AND vendor_id = :vendor_id::integer AND is_deleted IS NOT TRUE
     ${input.forUpdate ? 'FOR UPDATE' : ''}`,
    { id: input.vendor_user_id, vendor_id: input.vendor_id },
  );
  return rows[0];
}

export async function listVendorUsers(
  sql: SqlExecutor,
  input: { vendor_id: number; status?: string; after_id?: number; limit: number },
): Promise<VendorUserRow[]> {
  const { rows } = await sql.query<VendorUserRow & Record<string, unknown>>(
    `SELECT ${columns} FROM vendor_users
     WHERE vendor_id = :vendor_id::integer AND is_deleted IS NOT TRUE
       AND (:status::text IS NULL OR status = :status::text)
       AND (:after_id::integer IS NULL OR vendor_user_id > :after_id::integer)
     ORDER BY vendor_user_id LIMIT :limit::integer`,
    { vendor_id: input.vendor_id, status: input.status ?? null, after_id: input.after_id ?? null, limit: input.limit + 1 },
  );
  return rows;
}

export async function updateVendorUserRole(
  sql: SqlExecutor,
  input: { vendor_user_id: number; role: VendorRole; now: Date },
): Promise<VendorUserRow> {
  const { rows } = await sql.query<VendorUserRow & Record<string, unknown>>(
    `UPDATE vendor_users SET role = :role, updated_at = :now::timestamptz WHERE vendor_user_id = :id::integer
     RETURNING ${columns}`,
    { id: input.vendor_user_id, role: input.role, now: input.now },
  );
  return rows[0]!;
}

export async function softDeleteVendorUser(sql: SqlExecutor, input: { vendor_user_id: number; now: Date }): Promise<void> {
  await sql.query(
    `UPDATE vendor_users SET is_deleted = TRUE, deleted_at = :now::timestamptz, status = 'inactive', updated_at = :now::timestamptz
     WHERE vendor_user_id = :id::integer`,
    { id: input.vendor_user_id, now: input.now },
  );
}

/** Accepts an invitation: the invited user's first authenticated request. */
export async function activateInvitedVendorUser(sql: SqlExecutor, input: { vendor_user_id: number; now: Date }): Promise<void> {
  await sql.query(
    `UPDATE vendor_users SET status = 'active', joined_at = :now::timestamptz, updated_at = :now::timestamptz
     WHERE vendor_user_id = :id::integer AND status = 'pending'`,
    { id: input.vendor_user_id, now: input.now },
  );
}

/** Owners still live in a vendor: the last one may not be removed or demoted. */
export async function countOwners(sql: SqlExecutor, vendorId: number): Promise<number> {
  const { rows } = await sql.query<{ n: number }>(
    `SELECT COUNT(*)::integer AS n FROM vendor_users
     WHERE vendor_id = :vendor_id::integer AND role = 'owner' AND is_deleted IS NOT TRUE`,
    { vendor_id: vendorId },
  );
  return rows[0]?.n ?? 0;
}
