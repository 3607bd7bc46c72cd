/**
 * `leads` (personal data), always reached through the owning vendor. The email filter is an
 * exact, case-insensitive match written as `lower(email) = lower(:email)` so it uses
 * `idx_leads_email` (an index on `lower(email)`).
 */
import type { SqlExecutor } from '../../ports/sql-executor.js';

export interface LeadRow {
  lead_id: number;
  external_lead_id: string;
  partner_id: number | null;
  vendor_id: number;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  status: string;
  created_at: string;
  updated_at: string;
}

export type LeadFields = {
  partner_id: number | null;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  status: string;
};

const columns = `lead_id, external_lead_id, partner_id, vendor_id, first_name, last_name, email, phone, COALESCE(status, 'new') AS status,
  created_at, updated_at`;

export async function insertLead(sql: SqlExecutor, input: LeadFields & { vendor_id: number; external_lead_id: string; now: Date }): Promise<number> {
  const { rows } = await sql.query<{ lead_id: number }>(
    `INSERT INTO leads (external_lead_id, partner_id, vendor_id, first_name, last_name, email, phone, status, created_at, updated_at)
     VALUES (:external_lead_id, :partner_id::integer, :vendor_id::integer, :first_name, :last_name, :email, :phone, :status,
       :now::timestamptz, :now::timestamptz)
     RETURNING lead_id`,
    { ...input },
  );
  return Number(rows[0]!.lead_id);
}

export async function updateLead(sql: SqlExecutor, input: LeadFields & { lead_id: number; now: Date }): Promise<void> {
  await sql.query(
    `UPDATE leads SET partner_id = :partner_id::integer, first_name = :first_name, last_name = :last_name, email = :email, phone = :phone,
       status = :status, updated_at = :now::timestamptz
     WHERE lead_id = :lead_id::bigint`,
    { ...input },
  );
}

/** A live lead of the vendor; undefined for anyone else's. */
export async function findLead(sql: SqlExecutor, input: { lead_id: number; vendor_id: number; forUpdate?: boolean }): Promise<LeadRow | undefined> {
  const { rows } = await sql.query<LeadRow & Record<string, unknown>>(
    `SELECT ${columns} FROM leads WHERE lead_id = :id::bigint AND vendor_id = :vendor_id::integer AND is_deleted IS NOT TRUE
     ${input.forUpdate ? 'FOR UPDATE' : ''}`,
    { id: input.lead_id, vendor_id: input.vendor_id },
  );
  return rows[0];
}

export async function listLeads(
  sql: SqlExecutor,
  input: { vendor_id: number; status?: string; email?: string; partner_id?: number; before_id?: number; limit: number },
): Promise<LeadRow[]> {
  const { rows } = await sql.query<LeadRow & Record<string, unknown>>(
    `SELECT ${columns} FROM leads
     WHERE vendor_id = :vendor_id::integer AND is_deleted IS NOT TRUE
       AND (:status::text IS NULL OR COALESCE(status, 'new') = :status::text)
       AND (:email::text IS NULL OR lower(email) = lower(:email::text))
       AND (:partner_id::integer IS NULL OR partner_id = :partner_id::integer)
       AND (:before_id::bigint IS NULL OR lead_id < :before_id::bigint)
     ORDER BY lead_id DESC LIMIT :limit::integer`,
    {
      vendor_id: input.vendor_id,
      status: input.status ?? null,
      email: input.email ?? null,
      partner_id: input.partner_id ?? null,
      before_id: input.before_id ?? null,
      limit: input.limit + 1,
    },
  );
  return rows;
}

/**
 * Soft delete that also erases the personal data (GDPR): the row stays for the conversions that
 * reference it, without a name, email or phone.
 */
export async function deleteLead(sql: SqlExecutor, input: { lead_id: number; now: Date }): Promise<void> {
  await sql.query(
    `UPDATE leads SET is_deleted = TRUE, deleted_at = :now::timestamptz, updated_at = :now::timestamptz,
       first_name = NULL, last_name = NULL, email = NULL, phone = NULL
     WHERE lead_id = :id::bigint`,
    { id: input.lead_id, now: input.now },
  );
}
