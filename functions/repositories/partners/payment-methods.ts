/**
 * `partner_payment_methods`: a partner's payout destinations; one default per partner (unique
 * index). `account_details` holds the masked view; the details themselves are only in
 * `account_details_encrypted` (a sealed record, docs/payment-data.md), which no read here returns.
 */
import type { SealedRecord } from '../../ports/payment-data-cipher.js';
import type { SqlExecutor } from '../../ports/sql-executor.js';

export interface PaymentMethodRecord extends Record<string, unknown> {
  partner_payment_method_id: number;
  partner_id: number;
  provider: string;
  provider_account_id: string | null;
  account_details: Record<string, unknown> | null;
  is_default: boolean;
  is_verified: boolean;
  verified_at: string | null;
  created_at: string;
}

const SELECT = `
  SELECT m.partner_payment_method_id, m.partner_id, pp.name AS provider, m.provider_account_id, m.account_details,
         COALESCE(m.is_default, FALSE) AS is_default, COALESCE(m.is_verified, FALSE) AS is_verified, m.verified_at, m.created_at
  FROM partner_payment_methods m JOIN payment_providers pp ON pp.payment_provider_id = m.payment_provider_id`;

export async function findActiveProvider(sql: SqlExecutor, name: string): Promise<number | undefined> {
  const { rows } = await sql.query<{ payment_provider_id: number }>(
    `SELECT payment_provider_id FROM payment_providers WHERE name = :name AND is_active AND is_deleted IS NOT TRUE`,
    { name },
  );
  return rows[0]?.payment_provider_id;
}

/**
 * Inserts a method; run it inside the caller's transaction (with its audit row). A new default
 * first clears the partner's old default (the unique index `uq_partner_payment_methods_default`
 * would refuse two).
 */
export async function insertPaymentMethod(
  tx: SqlExecutor,
  args: {
    partnerId: number;
    providerId: number;
    providerAccountId: string | null;
    /** The masked view (what reads return). */
    maskedDetails: Record<string, string>;
    sealedDetails: SealedRecord | null;
    isDefault: boolean;
    now: string;
  },
): Promise<PaymentMethodRecord> {
  // The first method is the default whatever the caller says: a partner needs one to be paid.
  const { rows: existing } = await tx.query<{ n: number }>(
    `SELECT COUNT(*)::integer AS n FROM partner_payment_methods WHERE partner_id = :p::integer AND is_deleted IS NOT TRUE`,
    { p: args.partnerId },
  );
  const isDefault = args.isDefault || Number(existing[0]?.n ?? 0) === 0;
  if (isDefault) {
    await tx.query(
      `UPDATE partner_payment_methods SET is_default = FALSE, updated_at = :now::timestamptz
       WHERE partner_id = :p::integer AND is_default AND is_deleted IS NOT TRUE`,
      { p: args.partnerId, now: args.now },
    );
  }
  const { rows } = await tx.query<{ partner_payment_method_id: number }>(
    `INSERT INTO partner_payment_methods (partner_id, payment_provider_id, provider_account_id, account_details, account_details_encrypted,
                                         is_default, is_verified, created_at, updated_at)
     VALUES (:p::integer, :provider::integer, :account, :details::jsonb, :sealed::jsonb, :isDefault::boolean, FALSE, :now::timestamptz, :now::timestamptz)
     RETURNING partner_payment_method_id`,
    {
      p: args.partnerId,
      provider: args.providerId,
      account: args.providerAccountId,
      details: args.maskedDetails,
      sealed: args.sealedDetails ? { ...args.sealedDetails } : null,
      isDefault,
      now: args.now,
    },
  );
  const method = await findPaymentMethod(tx, Number(rows[0]!.partner_payment_method_id));
  return method!;
}

export async function findPaymentMethod(sql: SqlExecutor, id: number): Promise<PaymentMethodRecord | undefined> {
  const { rows } = await sql.query<PaymentMethodRecord>(`${SELECT} WHERE m.partner_payment_method_id = :id::integer AND m.is_deleted IS NOT TRUE`, { id });
  return rows[0];
}

export async function listPaymentMethods(sql: SqlExecutor, partnerId: number): Promise<PaymentMethodRecord[]> {
  const { rows } = await sql.query<PaymentMethodRecord>(
    `${SELECT} WHERE m.partner_id = :p::integer AND m.is_deleted IS NOT TRUE ORDER BY m.partner_payment_method_id`,
    { p: partnerId },
  );
  return rows;
}

/** Every partner's methods for the operator, newest first; `verified: false` is the review queue. */
export async function listPaymentMethodsForReview(sql: SqlExecutor, input: { verified?: boolean; limit: number }): Promise<PaymentMethodRecord[]> {
  const { rows } = await sql.query<PaymentMethodRecord>(
    `${SELECT} WHERE m.is_deleted IS NOT TRUE AND (:verified::boolean IS NULL OR m.is_verified = :verified::boolean)
     ORDER BY m.partner_payment_method_id DESC LIMIT :limit::integer`,
    { verified: input.verified ?? null, limit: input.limit },
  );
  return rows;
}

export async function verifyPaymentMethod(sql: SqlExecutor, id: number, now: string): Promise<void> {
  await sql.query(
    `UPDATE partner_payment_methods SET is_verified = TRUE, verified_at = COALESCE(verified_at, :now::timestamptz), updated_at = :now::timestamptz
     WHERE partner_payment_method_id = :id::integer`,
    { id, now },
  );
}

/** Rows written before migration 0011 (details in clear, nothing sealed), by id after `afterId`. */
export async function listUnsealedPaymentMethods(
  sql: SqlExecutor,
  input: { afterId: number; limit: number },
): Promise<Array<{ partner_payment_method_id: number; partner_id: number; account_details: Record<string, unknown> }>> {
  const { rows } = await sql.query<{ partner_payment_method_id: number; partner_id: number; account_details: Record<string, unknown> }>(
    `SELECT partner_payment_method_id, partner_id, account_details FROM partner_payment_methods
     WHERE account_details_encrypted IS NULL AND account_details IS NOT NULL AND account_details <> '{}'::jsonb
       AND partner_payment_method_id > :after::integer
     ORDER BY partner_payment_method_id LIMIT :limit::integer`,
    { after: input.afterId, limit: input.limit },
  );
  return rows;
}

/**
 * Replaces a clear row's details by its sealed record and masked view, only if the row is still
 * unsealed and unchanged (a concurrent run or write wins; this one then does nothing).
 */
export async function sealPaymentMethod(
  sql: SqlExecutor,
  args: { id: number; expectedDetails: Record<string, unknown>; maskedDetails: Record<string, string>; sealedDetails: SealedRecord; now: Date },
): Promise<boolean> {
  const { rows } = await sql.query<{ partner_payment_method_id: number }>(
    `UPDATE partner_payment_methods
     SET account_details = :masked::jsonb, account_details_encrypted = :sealed::jsonb, updated_at = :now::timestamptz
     WHERE partner_payment_method_id = :id::integer AND account_details_encrypted IS NULL AND account_details = :expected::jsonb
     RETURNING partner_payment_method_id`,
    { id: args.id, masked: args.maskedDetails, sealed: { ...args.sealedDetails }, expected: args.expectedDetails, now: args.now },
  );
  return rows.length === 1;
}
