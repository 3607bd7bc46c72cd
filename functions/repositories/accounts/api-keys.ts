/**
 * `api_keys`: one row per issued key, holding only its SHA-256 hash. A key belongs to exactly one
 * vendor user or one partner.
 */
import type { SqlExecutor } from '../../ports/sql-executor.js';
import type { ApiKeyOwnerType, GeneratedApiKey } from '../../domain/auth/api-key.js';

export interface ApiKeyRow {
  api_key_id: number;
  key_prefix: string;
  owner_type: ApiKeyOwnerType;
  vendor_user_id: number | null;
  partner_id: number | null;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
  replaced_by_api_key_id: number | null;
}

/** A key with its owner's standing, as authentication needs it. */
export interface KeyWithOwnerRow extends ApiKeyRow {
  vendor_id: number | null;
  role: string | null;
  vendor_user_status: string | null;
  vendor_user_deleted: boolean | null;
  vendor_status: string | null;
  vendor_deleted: boolean | null;
  partner_status: string | null;
  partner_deleted: boolean | null;
}

const keyColumns = `k.api_key_id, k.key_prefix, k.owner_type, k.vendor_user_id, k.partner_id, k.created_at,
  k.expires_at, k.revoked_at, k.last_used_at, k.replaced_by_api_key_id`;

/** The key whose hash is `keyHash`, joined with its owner; undefined when none. */
export async function findKeyWithOwnerByHash(sql: SqlExecutor, keyHash: string): Promise<KeyWithOwnerRow | undefined> {
  const { rows } = await sql.query<KeyWithOwnerRow & Record<string, unknown>>(
    `SELECT ${keyColumns},
       vu.vendor_id, vu.role, vu.status AS vendor_user_status, vu.is_deleted AS vendor_user_deleted,
       v.status AS vendor_status, v.is_deleted AS vendor_deleted,
       p.status AS partner_status, p.is_deleted AS partner_deleted
     FROM api_keys k
     LEFT JOIN vendor_users vu ON vu.vendor_user_id = k.vendor_user_id
     LEFT JOIN vendors v ON v.vendor_id = vu.vendor_id
     LEFT JOIN partners p ON p.partner_id = k.partner_id
     WHERE k.key_hash = :key_hash`,
    { key_hash: keyHash },
  );
  return rows[0];
}

export interface InsertApiKeyInput {
  generated: GeneratedApiKey;
  owner_type: ApiKeyOwnerType;
  vendor_user_id?: number | null;
  partner_id?: number | null;
  now: Date;
  expires_at: Date;
}

export async function insertApiKey(sql: SqlExecutor, input: InsertApiKeyInput): Promise<ApiKeyRow> {
  const { rows } = await sql.query<ApiKeyRow & Record<string, unknown>>(
    `INSERT INTO api_keys (key_prefix, key_hash, owner_type, vendor_user_id, partner_id, created_at, expires_at)
     VALUES (:key_prefix, :key_hash, :owner_type, :vendor_user_id::integer, :partner_id::integer, :now::timestamptz, :expires_at::timestamptz)
     RETURNING api_key_id, key_prefix, owner_type, vendor_user_id, partner_id, created_at, expires_at, revoked_at,
       last_used_at, replaced_by_api_key_id`,
    {
      key_prefix: input.generated.key_prefix,
      key_hash: input.generated.key_hash,
      owner_type: input.owner_type,
      vendor_user_id: input.vendor_user_id ?? null,
      partner_id: input.partner_id ?? null,
      now: input.now,
      expires_at: input.expires_at,
    },
  );
  return rows[0]!;
}

export async function findApiKeyById(sql: SqlExecutor, apiKeyId: number): Promise<ApiKeyRow | undefined> {
  const { rows } = await sql.query<ApiKeyRow & Record<string, unknown>>(
    `SELECT ${keyColumns} FROM api_keys k WHERE k.api_key_id = :id::integer`,
    { id: apiKeyId },
  );
  return rows[0];
}

/** Marks a rotated key: replaced by `replacedBy`, alive until `expiresAt`. */
export async function markKeyRotated(
  sql: SqlExecutor,
  input: { api_key_id: number; replaced_by_api_key_id: number; expires_at: Date },
): Promise<void> {
  await sql.query(
    `UPDATE api_keys SET replaced_by_api_key_id = :replaced_by::integer, expires_at = :expires_at::timestamptz
     WHERE api_key_id = :id::integer`,
    { id: input.api_key_id, replaced_by: input.replaced_by_api_key_id, expires_at: input.expires_at },
  );
}

export async function revokeApiKey(sql: SqlExecutor, input: { api_key_id: number; now: Date }): Promise<void> {
  await sql.query(
    `UPDATE api_keys SET revoked_at = :now::timestamptz WHERE api_key_id = :id::integer AND revoked_at IS NULL`,
    { id: input.api_key_id, now: input.now },
  );
}

/** Revokes every live key of a vendor user (user removed). */
export async function revokeKeysOfVendorUser(sql: SqlExecutor, input: { vendor_user_id: number; now: Date }): Promise<void> {
  await sql.query(
    `UPDATE api_keys SET revoked_at = :now::timestamptz WHERE vendor_user_id = :id::integer AND revoked_at IS NULL`,
    { id: input.vendor_user_id, now: input.now },
  );
}

/** Records use; throttled by the caller so a busy key is not written on every request. */
export async function touchApiKey(sql: SqlExecutor, input: { api_key_id: number; now: Date }): Promise<void> {
  await sql.query(`UPDATE api_keys SET last_used_at = :now::timestamptz WHERE api_key_id = :id::integer`, {
    id: input.api_key_id,
    now: input.now,
  });
}

/**
 * Keys visible to a caller: a partner's own, a vendor user's own, or (for vendor admins) every
 * key of the vendor's users. Newest first, keyset-paged by id.
 */
export async function listApiKeys(
  sql: SqlExecutor,
  input: { partner_id?: number; vendor_user_id?: number; vendor_id?: number; before_id?: number; limit: number },
): Promise<ApiKeyRow[]> {
  const { rows } = await sql.query<ApiKeyRow & Record<string, unknown>>(
    `SELECT ${keyColumns} FROM api_keys k
     LEFT JOIN vendor_users vu ON vu.vendor_user_id = k.vendor_user_id
     WHERE (:partner_id::integer IS NULL OR k.partner_id = :partner_id::integer)
       AND (:vendor_user_id::integer IS NULL OR k.vendor_user_id = :vendor_user_id::integer)
       AND (:vendor_id::integer IS NULL OR vu.vendor_id = :vendor_id::integer)
       AND (:before_id::integer IS NULL OR k.api_key_id < :before_id::integer)
     ORDER BY k.api_key_id DESC
     LIMIT :limit::integer`,
    {
      partner_id: input.partner_id ?? null,
      vendor_user_id: input.vendor_user_id ?? null,
      vendor_id: input.vendor_id ?? null,
      before_id: input.before_id ?? null,
      limit: input.limit + 1,
    },
  );
  return rows;
}

/** Keys of one owner that authenticate at `now` (not revoked, not expired). */
export async function countLiveKeys(sql: SqlExecutor, input: { partner_id?: number; vendor_user_id?: number; now: Date }): Promise<number> {
  const { rows } = await sql.query<{ live: number }>(
    `SELECT count(*)::integer AS live FROM api_keys
     WHERE revoked_at IS NULL AND expires_at > :now::timestamptz
       AND ((:partner_id::integer IS NOT NULL AND partner_id = :partner_id::integer)
         OR (:vendor_user_id::integer IS NOT NULL AND vendor_user_id = :vendor_user_id::integer))`,
    { partner_id: input.partner_id ?? null, vendor_user_id: input.vendor_user_id ?? null, now: input.now },
  );
  return rows[0]?.live ?? 0;
}
