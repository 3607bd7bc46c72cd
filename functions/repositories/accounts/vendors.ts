/**
 * `vendors`: the companies running programs.
 */
import type { SqlExecutor } from '../../ports/sql-executor.js';

export interface VendorRow {
  vendor_id: number;
  name: string;
  email: string;
  company_name: string | null;
  website_url: string | null;
  status: string;
  webhook_url: string | null;
  created_at: string;
  updated_at: string;
}

const columns = 'vendor_id, name, email, company_name, website_url, status, webhook_url, created_at, updated_at';

export async function insertVendor(
  sql: SqlExecutor,
  input: {
    name: string;
    email: string;
    company_name?: string | null;
    website_url?: string | null;
    webhook_url?: string | null;
    webhook_secret: string;
    now: Date;
  },
): Promise<VendorRow> {
  const { rows } = await sql.query<VendorRow & Record<string, unknown>>(
    `INSERT INTO vendors (name, email, company_name, website_url, webhook_url, webhook_secret, status, created_at, updated_at)
     VALUES (:name, :email, :company_name, :website_url, :webhook_url, :webhook_secret, 'active', :now::timestamptz, :now::timestamptz)
     RETURNING ${columns}`,
    {
      name: input.name,
      email: input.email,
      company_name: input.company_name ?? null,
      website_url: input.website_url ?? null,
      webhook_url: input.webhook_url ?? null,
      webhook_secret: input.webhook_secret,
      now: input.now,
    },
  );
  return rows[0]!;
}

/** Stores the display prefix of the vendor's first key in the dictionary's `api_key` column (never a secret). */
export async function setVendorKeyPrefix(sql: SqlExecutor, input: { vendor_id: number; key_prefix: string }): Promise<void> {
  await sql.query(`UPDATE vendors SET api_key = :key_prefix WHERE vendor_id = :id::integer`, {
    id: input.vendor_id,
    key_prefix: input.key_prefix,
  });
}

export async function findVendor(sql: SqlExecutor, vendorId: number): Promise<VendorRow | undefined> {
  const { rows } = await sql.query<VendorRow & Record<string, unknown>>(
    `SELECT ${columns} FROM vendors WHERE vendor_id = :id::integer AND is_deleted IS NOT TRUE`,
    { id: vendorId },
  );
  return rows[0];
}

/** True when a live vendor already uses `email` (case-insensitive). */
export async function vendorEmailTaken(sql: SqlExecutor, email: string): Promise<boolean> {
  const { rows } = await sql.query(`SELECT 1 FROM vendors WHERE lower(email) = lower(:email)`, { email });
  return rows.length > 0;
}

export async function findVendorForUpdate(sql: SqlExecutor, vendorId: number): Promise<VendorRow | undefined> {
  const { rows } = await sql.query<VendorRow & Record<string, unknown>>(
    `SELECT ${columns} FROM vendors WHERE vendor_id = :id::integer AND is_deleted IS NOT TRUE FOR UPDATE`,
    { id: vendorId },
  );
  return rows[0];
}

export async function setVendorStatus(sql: SqlExecutor, input: { vendor_id: number; status: string; now: Date }): Promise<VendorRow> {
  const { rows } = await sql.query<VendorRow & Record<string, unknown>>(
    `UPDATE vendors SET status = :status, updated_at = :now::timestamptz WHERE vendor_id = :id::integer RETURNING ${columns}`,
    { id: input.vendor_id, status: input.status, now: input.now },
  );
  return rows[0]!;
}

/** Applies the given profile fields (absent = unchanged, null = cleared). */
export async function updateVendorProfile(
  sql: SqlExecutor,
  input: { vendor_id: number; now: Date; fields: Partial<Pick<VendorRow, 'name' | 'company_name' | 'website_url' | 'webhook_url'>> },
): Promise<VendorRow> {
  const f = input.fields;
  const { rows } = await sql.query<VendorRow & Record<string, unknown>>(
    `UPDATE vendors SET
       name = CASE WHEN :set_name::boolean THEN :name ELSE name END,
       company_name = CASE WHEN :set_company::boolean THEN :company_name ELSE company_name END,
       website_url = CASE WHEN :set_website::boolean THEN :website_url ELSE website_url END,
       webhook_url = CASE WHEN :set_webhook::boolean THEN :webhook_url ELSE webhook_url END,
       updated_at = :now::timestamptz
     WHERE vendor_id = :id::integer RETURNING ${columns}`,
    {
      id: input.vendor_id,
      now: input.now,
      set_name: f.name !== undefined,
      name: f.name ?? null,
      set_company: f.company_name !== undefined,
      company_name: f.company_name ?? null,
      set_website: f.website_url !== undefined,
      website_url: f.website_url ?? null,
      set_webhook: f.webhook_url !== undefined,
      webhook_url: f.webhook_url ?? null,
    },
  );
  return rows[0]!;
}

export async function setVendorWebhookSecret(sql: SqlExecutor, input: { vendor_id: number; webhook_secret: string; now: Date }): Promise<void> {
  await sql.query(`UPDATE vendors SET webhook_secret = :secret, updated_at = :now::timestamptz WHERE vendor_id = :id::integer`, {
    id: input.vendor_id,
    secret: input.webhook_secret,
    now: input.now,
  });
}

export async function listVendors(
  sql: SqlExecutor,
  input: { status?: string; before_id?: number; limit: number },
): Promise<VendorRow[]> {
  const { rows } = await sql.query<VendorRow & Record<string, unknown>>(
    `SELECT ${columns} FROM vendors
     WHERE is_deleted IS NOT TRUE AND (:status::text IS NULL OR status = :status::text)
       AND (:before_id::integer IS NULL OR vendor_id < :before_id::integer)
     ORDER BY vendor_id DESC LIMIT :limit::integer`,
    { status: input.status ?? null, before_id: input.before_id ?? null, limit: input.limit + 1 },
  );
  return rows;
}
