/**
 * `partners`: affiliates. Global (not owned by a vendor). They sign up themselves (`pending`) or
 * the operator creates them (`active`); the operator approves, rejects, suspends and reactivates.
 */
import type { SqlExecutor } from '../../ports/sql-executor.js';

export interface PartnerRow {
  partner_id: number;
  name: string;
  email: string;
  status: string;
  tier: string;
  bio: string | null;
  website_url: string | null;
  created_at: string;
  updated_at: string;
}

const columns = 'partner_id, name, email, status, tier, bio, website_url, created_at, updated_at';

export async function insertPartner(
  sql: SqlExecutor,
  input: { name: string; email: string; status?: 'pending' | 'active'; tier?: string; bio?: string | null; website_url?: string | null; now: Date },
): Promise<PartnerRow> {
  const { rows } = await sql.query<PartnerRow & Record<string, unknown>>(
    `INSERT INTO partners (name, email, status, tier, bio, website_url, created_at, updated_at)
     VALUES (:name, :email, :status, :tier, :bio, :website_url, :now::timestamptz, :now::timestamptz)
     RETURNING ${columns}`,
    {
      name: input.name,
      status: input.status ?? 'active',
      email: input.email,
      tier: input.tier ?? 'standard',
      bio: input.bio ?? null,
      website_url: input.website_url ?? null,
      now: input.now,
    },
  );
  return rows[0]!;
}

export async function findPartner(
  sql: SqlExecutor,
  input: { partner_id: number; forUpdate?: boolean },
): Promise<PartnerRow | undefined> {
  const { rows } = await sql.query<PartnerRow & Record<string, unknown>>(
    `SELECT ${columns} FROM partners WHERE partner_id = :id::integer AND is_deleted IS NOT TRUE ${input.forUpdate ? 'FOR UPDATE' : ''}`,
    { id: input.partner_id },
  );
  return rows[0];
}

export async function partnerEmailTaken(sql: SqlExecutor, email: string): Promise<boolean> {
  const { rows } = await sql.query(`SELECT 1 FROM partners WHERE lower(email) = lower(:email)`, { email });
  return rows.length > 0;
}

export async function setPartnerStatus(
  sql: SqlExecutor,
  input: { partner_id: number; status: string; now: Date },
): Promise<PartnerRow> {
  const { rows } = await sql.query<PartnerRow & Record<string, unknown>>(
    `UPDATE partners SET status = :status, updated_at = :now::timestamptz WHERE partner_id = :id::integer RETURNING ${columns}`,
    { id: input.partner_id, status: input.status, now: input.now },
  );
  return rows[0]!;
}

/** Applies the given profile fields (absent = unchanged, null = cleared). */
export async function updatePartnerProfile(
  sql: SqlExecutor,
  input: { partner_id: number; now: Date; fields: Partial<Pick<PartnerRow, 'name' | 'bio' | 'website_url'>> },
): Promise<PartnerRow> {
  const f = input.fields;
  const { rows } = await sql.query<PartnerRow & Record<string, unknown>>(
    `UPDATE partners SET
       name = CASE WHEN :set_name::boolean THEN :name ELSE name END,
       bio = CASE WHEN :set_bio::boolean THEN :bio ELSE bio END,
       website_url = CASE WHEN :set_website::boolean THEN :website_url ELSE website_url END,
       updated_at = :now::timestamptz
     WHERE partner_id = :id::integer RETURNING ${columns}`,
    {
      id: input.partner_id,
      now: input.now,
      set_name: f.name !== undefined,
      name: f.name ?? null,
      set_bio: f.bio !== undefined,
      bio: f.bio ?? null,
      set_website: f.website_url !== undefined,
      website_url: f.website_url ?? null,
    },
  );
  return rows[0]!;
}

export async function listPartners(
  sql: SqlExecutor,
  input: { status?: string; before_id?: number; limit: number },
): Promise<PartnerRow[]> {
  const { rows } = await sql.query<PartnerRow & Record<string, unknown>>(
    `SELECT ${columns} FROM partners
     WHERE is_deleted IS NOT TRUE AND (:status::text IS NULL OR status = :status::text)
       AND (:before_id::integer IS NULL OR partner_id < :before_id::integer)
     ORDER BY partner_id DESC LIMIT :limit::integer`,
    { status: input.status ?? null, before_id: input.before_id ?? null, limit: input.limit + 1 },
  );
  return rows;
}
