// Over 300 lines: the payout run is one ~150-line statement, kept whole beside the reads and writes of the same rows.
/**
 * Payout SQL: the set-based payout run (docs/payouts.md "Payable credits", "Thresholds and
 * periods"), the payout reads, and the status writes of the send flow. The pure spec of the run is
 * `selectPayableCredits` + `planPayouts` in the test oracle (test/support/payout-oracle); tests
 * cross-check this SQL against it.
 */
import type { SealedRecord } from '../../ports/payment-data-cipher.js';
import type { SqlExecutor } from '../../ports/sql-executor.js';

/**
 * Credit lines, as CTEs: one row per partner, currency and conversion that the run pays (the
 * partner's unheld share net of its adjustments, plus adjustments still open), i.e. exactly the
 * payout events a payout of that partner and currency would hold.
 */
const CREDITS_CTE = `
  adjustment_totals AS (
    SELECT partner_id, conversion_event_id, SUM(amount) AS total
    FROM commission_adjustments GROUP BY partner_id, conversion_event_id
  ),
  -- Driven from the approved conversions (idx_conversion_events_status), each one's touches by
  -- idx_touches_conversion_event_id: OFFSET 0 keeps that a lookup per approved conversion, where a
  -- join let the planner hash every touch ever recorded (the run would grow with history, not with
  -- what is unpaid). Grouped once over all touches rather than per conversion (a sort per row).
  shares AS (
    SELECT t.partner_id, ce.conversion_event_id, ce.currency, SUM(COALESCE(t.touch_value, 0)) AS touch_share
    FROM conversion_events ce
    CROSS JOIN LATERAL (
      SELECT t.partner_id, t.touch_value FROM touches t
      WHERE t.conversion_event_id = ce.conversion_event_id AND t.is_deleted IS NOT TRUE
      OFFSET 0
    ) t
    WHERE ce.is_deleted IS NOT TRUE AND ce.status = 'approved' AND ce.approved_at < :end_date::timestamptz
      AND (:only_currency::text IS NULL OR ce.currency = :only_currency::text)
    GROUP BY ce.conversion_event_id, t.partner_id, ce.currency
  ),
  -- A share is payable when no live payout event of its partner holds it: an event holds it when
  -- the part that pays the share (the event minus adjustments netted into the same payout for that
  -- conversion) is not zero, or, for a share netted to zero, when any such event exists. OFFSET 0
  -- keeps the test a probe per share (idx_payout_events_conversion_event_id, then the payout by
  -- key); as an anti-join the planner hashed every payout event ever paid.
  payable_shares AS (
    SELECT s.partner_id, s.conversion_event_id, s.currency, s.touch_share - COALESCE(at.total, 0) AS amount
    FROM shares s
    LEFT JOIN adjustment_totals at ON at.partner_id = s.partner_id AND at.conversion_event_id = s.conversion_event_id
    WHERE NOT EXISTS (
      SELECT 1 FROM payout_events pe JOIN payouts p ON p.payout_id = pe.payout_id
      WHERE pe.conversion_event_id = s.conversion_event_id AND p.partner_id = s.partner_id
        AND pe.is_deleted IS NOT TRUE AND p.is_deleted IS NOT TRUE
        AND (pe.commission_amount - COALESCE((
               SELECT SUM(a.amount) FROM commission_adjustments a
               WHERE a.payout_id = pe.payout_id AND a.conversion_event_id = pe.conversion_event_id
                 AND a.partner_id = p.partner_id), 0) <> 0
             OR s.touch_share - COALESCE(at.total, 0) = 0)
      OFFSET 0)
  ),
  open_adjustments AS (
    SELECT commission_adjustment_id, partner_id, conversion_event_id, currency, amount
    FROM commission_adjustments
    WHERE payout_id IS NULL AND created_at < :end_date::timestamptz
      AND (:only_currency::text IS NULL OR currency = :only_currency::text)
  ),
  open_adjustment_totals AS (
    SELECT partner_id, conversion_event_id, currency, SUM(amount) AS amount
    FROM open_adjustments GROUP BY partner_id, conversion_event_id, currency
  ),
  -- Every credit keeps its currency: a partner gets one payout per currency, and an adjustment
  -- nets only into the payout of its own currency (amounts of two currencies are never added).
  -- A share is one row per partner and conversion already; the full join adds its open
  -- adjustments (or stands alone for an adjustment whose share is paid), so each line is one
  -- payout event and nothing downstream groups the credits twice.
  credit_lines AS (
    SELECT COALESCE(ps.partner_id, oa.partner_id) AS partner_id,
           COALESCE(ps.conversion_event_id, oa.conversion_event_id) AS conversion_event_id,
           COALESCE(ps.currency, oa.currency) AS currency,
           COALESCE(ps.amount, 0) + COALESCE(oa.amount, 0) AS amount
    FROM payable_shares ps
    FULL JOIN open_adjustment_totals oa
      ON oa.partner_id = ps.partner_id AND oa.conversion_event_id = ps.conversion_event_id AND oa.currency = ps.currency
  ),
  partner_totals AS (
    SELECT partner_id, currency, SUM(amount) AS amount, COUNT(*) AS lines
    FROM credit_lines GROUP BY partner_id, currency
  ),
  -- Thresholds in major units per currency ({"JPY": "5000", "USD": "50.00"}); :minimum for any other.
  thresholds AS (
    SELECT key AS currency, value::numeric AS minimum FROM jsonb_each_text(:thresholds::jsonb)
  ),
  -- Each partner and currency with what decides its payout: the threshold, the partner's status
  -- and its default method (uq_partner_payment_methods_default: at most one live default).
  plans AS (
    SELECT pt.partner_id, pt.currency, pt.amount, pt.lines, COALESCE(th.minimum, :minimum::numeric) AS minimum,
           pa.status AS partner_status, (m.partner_id IS NOT NULL AND m.is_verified IS TRUE) AS has_verified_method,
           m.partner_payment_method_id, m.payment_provider_id
    FROM partner_totals pt
    LEFT JOIN thresholds th ON th.currency = pt.currency
    LEFT JOIN partners pa ON pa.partner_id = pt.partner_id
    LEFT JOIN partner_payment_methods m ON m.partner_id = pt.partner_id AND m.is_default AND m.is_deleted IS NOT TRUE
  )`;

export interface PayoutRunRow extends Record<string, unknown> {
  partner_id: number;
  /** One row per partner and currency: the payout's currency. */
  currency: string;
  /** NUMERIC text (3 decimals); format it in `currency`. */
  amount: string;
  /** The threshold applied to this currency (NUMERIC text, major units). */
  minimum: string;
  payout_id: number | null;
  /** null when a payout was created. */
  skip_reason: 'below_threshold' | 'no_verified_default_method' | 'already_paid_for_period' | 'partner_not_active' | null;
  event_count: number;
}

/**
 * ONE statement: plans, inserts payouts (ON CONFLICT on the live-period index does nothing),
 * inserts their events (one row per conversion: the partner's shares plus netted adjustments),
 * stamps the netted adjustments, and returns one row per partner and currency with credits:
 * created or skipped with the reason. One payout per partner, currency and period, each at least
 * its currency's threshold. Run it inside the run's transaction, under `lockPayoutRuns` (functions/use-cases/run-payouts.ts).
 */
export const PAYOUT_RUN_SQL = `
WITH ${CREDITS_CTE},
  inserted AS (
    INSERT INTO payouts (partner_id, partner_payment_method_id, amount, currency, payment_provider_id, status,
                         start_date, end_date, created_at)
    SELECT partner_id, partner_payment_method_id, amount, currency, payment_provider_id, 'pending',
           :start_date::timestamptz, :end_date::timestamptz, :now::timestamptz
    FROM plans
    -- Only approved partners are paid: pending, rejected and suspended ones keep their credits for later.
    WHERE partner_status = 'active' AND has_verified_method AND amount > 0 AND amount >= minimum
    -- In key order: the payouts' index entries go in sorted, not scattered over the indexes' pages.
    ORDER BY partner_id, currency
    ON CONFLICT (partner_id, currency, start_date, end_date) WHERE is_deleted IS NOT TRUE DO NOTHING
    RETURNING payout_id, partner_id, currency
  ),
  -- One event per credit line of the payout's partner and currency (lines are unique per
  -- conversion), in primary-key order so the new keys append at the end of payout_events_pkey.
  inserted_events AS (
    INSERT INTO payout_events (payout_id, conversion_event_id, commission_amount)
    SELECT i.payout_id, cl.conversion_event_id, cl.amount
    FROM credit_lines cl JOIN inserted i ON i.partner_id = cl.partner_id AND i.currency = cl.currency
    ORDER BY i.payout_id, cl.conversion_event_id
  ),
  stamped AS (
    UPDATE commission_adjustments a SET payout_id = i.payout_id
    FROM open_adjustments o JOIN inserted i ON i.partner_id = o.partner_id AND i.currency = o.currency
    WHERE a.commission_adjustment_id = o.commission_adjustment_id
  )
-- A created payout holds one event per credit line of its partner and currency: its event count is
-- that line count (counting the inserted rows again cost a pass over all of them).
SELECT pl.partner_id, pl.currency, pl.amount::text AS amount, pl.minimum::text AS minimum, i.payout_id,
       CASE
         WHEN i.payout_id IS NOT NULL THEN NULL
         WHEN pl.partner_status IS DISTINCT FROM 'active' THEN 'partner_not_active'
         WHEN NOT pl.has_verified_method THEN 'no_verified_default_method'
         WHEN pl.amount <= 0 OR pl.amount < pl.minimum THEN 'below_threshold'
         ELSE 'already_paid_for_period'
       END AS skip_reason,
       (CASE WHEN i.payout_id IS NULL THEN 0 ELSE pl.lines END)::integer AS event_count
FROM plans pl
LEFT JOIN inserted i ON i.partner_id = pl.partner_id AND i.currency = pl.currency
ORDER BY pl.partner_id, pl.currency`;

/** Arbitrary constant: the advisory lock every payout run takes for its transaction. */
export const PAYOUT_RUN_LOCK_KEY = 7_300_451;

export interface PayoutRunInput {
  startDate: string;
  endDate: string;
  now: string;
  /** The threshold, in major units, of a currency `thresholds` does not name: "50.00" is 50 of it. */
  minimum: string;
  /** Thresholds per currency in major units: `{ "JPY": "5000", "EUR": "40.00" }`. */
  thresholds?: Readonly<Record<string, string>>;
  /** Pays only credits in this currency (all currencies when absent). */
  currency?: string;
}

/** Serialises payout runs: taken first in a run's transaction, held until it ends (`pg_advisory_xact_lock`). */
export async function lockPayoutRuns(tx: SqlExecutor): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(:key::bigint)`, { key: PAYOUT_RUN_LOCK_KEY });
}

/** One `system` audit row per payout the run created (entity `payouts`, action `create`), in the run's transaction. */
export async function auditCreatedPayouts(sql: SqlExecutor, args: { payoutIds: number[]; now: string }): Promise<void> {
  if (args.payoutIds.length === 0) return;
  await sql.query(
    `INSERT INTO audit_logs (entity_type, entity_id, action, actor_type, actor_id, changes, reason, created_at)
     SELECT 'payouts', p.payout_id, 'create', 'system', NULL,
            jsonb_build_object('before', NULL, 'after', jsonb_build_object('status', p.status, 'amount', round(p.amount, cur.minor_unit)::text, 'currency', p.currency,
                                                                          'partner_id', p.partner_id, 'start_date', p.start_date, 'end_date', p.end_date),
                               'changed_fields', jsonb_build_array('amount', 'currency', 'end_date', 'partner_id', 'start_date', 'status')),
            'payout run', :now::timestamptz
     -- The amount with its currency's decimals ("40.00" USD, "5000" JPY), as the API shows it.
     FROM payouts p JOIN currencies cur ON cur.code = p.currency
     WHERE p.payout_id = ANY(:ids::integer[]) ORDER BY p.payout_id`,
    { ids: args.payoutIds, now: args.now },
  );
}

/**
 * The statement alone, inside the caller's transaction (tests run it in a transaction they abort).
 * JIT is off for it: PostgreSQL compiles a plan this costly with LLVM before running it, which took
 * 3.1 s of a 4.7 s run at 1M conversions (bench/payout-run.ts), for a statement that then runs
 * once. `SET LOCAL` ends with the transaction; PGlite and servers built without LLVM ignore `jit`.
 */
export async function runPayoutStatement(sql: SqlExecutor, input: PayoutRunInput) {
  await sql.query(`SET LOCAL jit = off`);
  // Its credits (one row per approved share) are sorted and hashed several times: at 64k credits the
  // default 4 MB spilled each to disk. 64 MB is for this one statement, once per run.
  await sql.query(`SET LOCAL work_mem = '64MB'`);
  return sql.query<PayoutRunRow>(PAYOUT_RUN_SQL, {
    start_date: input.startDate,
    end_date: input.endDate,
    now: input.now,
    minimum: input.minimum,
    thresholds: JSON.stringify(input.thresholds ?? {}),
    only_currency: input.currency ?? null,
  });
}

export interface PayoutRecord extends Record<string, unknown> {
  payout_id: number;
  partner_id: number;
  partner_payment_method_id: number;
  amount: string;
  currency: string;
  provider: string;
  provider_account_id: string | null;
  /** The masked view, or (rows from before migration 0011) the details in clear. */
  account_details: Record<string, unknown> | null;
  /** The sealed details (docs/payment-data.md); only the payout send opens them. */
  account_details_encrypted: SealedRecord | null;
  provider_transaction_id: string | null;
  provider_response: Record<string, unknown> | null;
  status: 'pending' | 'processing' | 'completed' | 'failed';
  start_date: string;
  end_date: string;
  created_at: string;
  processed_at: string | null;
  completed_at: string | null;
  failed_at: string | null;
  failure_reason: string | null;
  idempotency_key: string | null;
  attempts: number;
}

const PAYOUT_SELECT = `
  SELECT p.payout_id, p.partner_id, p.partner_payment_method_id, p.amount::text AS amount, p.currency,
         pp.name AS provider, m.provider_account_id, m.account_details, m.account_details_encrypted, p.provider_transaction_id,
         p.provider_response, p.status, p.start_date, p.end_date, p.created_at, p.processed_at,
         p.completed_at, p.failed_at, p.failure_reason, p.idempotency_key, p.attempts
  FROM payouts p
  JOIN payment_providers pp ON pp.payment_provider_id = p.payment_provider_id
  JOIN partner_payment_methods m ON m.partner_payment_method_id = p.partner_payment_method_id`;

export async function findPayout(sql: SqlExecutor, payoutId: number, { forUpdate = false } = {}): Promise<PayoutRecord | undefined> {
  const { rows } = await sql.query<PayoutRecord>(
    `${PAYOUT_SELECT} WHERE p.payout_id = :id::integer AND p.is_deleted IS NOT TRUE${forUpdate ? ' FOR UPDATE OF p' : ''}`,
    { id: payoutId },
  );
  return rows[0];
}

export async function listPayouts(
  sql: SqlExecutor,
  filter: { status?: string; partner_id?: number; before_id?: number; limit: number },
): Promise<PayoutRecord[]> {
  const { rows } = await sql.query<PayoutRecord>(
    `${PAYOUT_SELECT}
     WHERE p.is_deleted IS NOT TRUE
       AND (:status::text IS NULL OR p.status = :status::text)
       AND (:partner::integer IS NULL OR p.partner_id = :partner::integer)
       AND (:before::integer IS NULL OR p.payout_id < :before::integer)
     ORDER BY p.payout_id DESC LIMIT :limit::integer`,
    { status: filter.status ?? null, partner: filter.partner_id ?? null, before: filter.before_id ?? null, limit: filter.limit + 1 },
  );
  return rows;
}

export interface PayoutEventRecord extends Record<string, unknown> {
  payout_id: number;
  conversion_event_id: number;
  receipt_id: string;
  commission_amount: string;
  conversion_status: string;
}

export async function payoutEventsOf(sql: SqlExecutor, payoutIds: number[]): Promise<PayoutEventRecord[]> {
  if (payoutIds.length === 0) return [];
  const { rows } = await sql.query<PayoutEventRecord>(
    `SELECT pe.payout_id, pe.conversion_event_id, ce.receipt_id::text AS receipt_id,
            pe.commission_amount::text AS commission_amount, ce.status AS conversion_status
     FROM payout_events pe JOIN conversion_events ce ON ce.conversion_event_id = pe.conversion_event_id
     WHERE pe.payout_id = ANY(:ids::integer[]) AND pe.is_deleted IS NOT TRUE
     ORDER BY pe.payout_id, pe.conversion_event_id`,
    { ids: payoutIds },
  );
  return rows;
}

/** Step 1 of a send: processing, processed_at, key and attempt count, committed before the provider call. */
export async function markPayoutSending(
  sql: SqlExecutor,
  args: { payoutId: number; idempotencyKey: string; now: string },
): Promise<void> {
  await sql.query(
    `UPDATE payouts SET status = 'processing', processed_at = :now::timestamptz, idempotency_key = :key,
            attempts = attempts + 1, failed_at = NULL, failure_reason = NULL, provider_response = NULL
     WHERE payout_id = :id::integer`,
    { id: args.payoutId, key: args.idempotencyKey, now: args.now },
  );
}

export async function recordPayoutProcessing(
  sql: SqlExecutor,
  args: { payoutId: number; providerTransactionId: string | null; providerResponse: unknown },
): Promise<void> {
  await sql.query(
    `UPDATE payouts SET provider_transaction_id = :tx, provider_response = :response::jsonb WHERE payout_id = :id::integer`,
    { id: args.payoutId, tx: args.providerTransactionId, response: (args.providerResponse ?? null) as Record<string, unknown> },
  );
}

export async function recordPayoutFailed(
  sql: SqlExecutor,
  args: { payoutId: number; failureReason: string; providerResponse: unknown; now: string },
): Promise<void> {
  await sql.query(
    `UPDATE payouts SET status = 'failed', failed_at = :now::timestamptz, failure_reason = :reason,
            provider_response = :response::jsonb
     WHERE payout_id = :id::integer`,
    { id: args.payoutId, reason: args.failureReason, response: (args.providerResponse ?? null) as Record<string, unknown>, now: args.now },
  );
}

/**
 * Completes a payout and, in the same transaction, marks `paid` every approved conversion of it
 * whose non-zero gross shares (touches minus adjustments) are all fully paid by completed payouts
 * (`conversionsToMarkPaid`). Returns the conversions marked.
 */
export async function recordPayoutCompleted(
  sql: SqlExecutor,
  args: { payoutId: number; providerTransactionId: string | null; providerResponse: unknown; now: string },
): Promise<number[]> {
  await sql.query(
    `UPDATE payouts SET status = 'completed', completed_at = :now::timestamptz,
            provider_transaction_id = COALESCE(:tx, provider_transaction_id),
            provider_response = COALESCE(:response::jsonb, provider_response)
     WHERE payout_id = :id::integer`,
    { id: args.payoutId, tx: args.providerTransactionId, response: (args.providerResponse ?? null) as Record<string, unknown>, now: args.now },
  );
  const { rows } = await sql.query<{ conversion_event_id: number }>(
    `WITH candidates AS (
       SELECT ce.conversion_event_id FROM payout_events pe
       JOIN conversion_events ce ON ce.conversion_event_id = pe.conversion_event_id
       WHERE pe.payout_id = :id::integer AND pe.is_deleted IS NOT TRUE AND ce.status = 'approved'
     ),
     gross AS (
       SELECT t.conversion_event_id, t.partner_id,
              SUM(COALESCE(t.touch_value, 0)) - COALESCE((
                SELECT SUM(a.amount) FROM commission_adjustments a
                WHERE a.conversion_event_id = t.conversion_event_id AND a.partner_id = t.partner_id), 0) AS amount
       FROM touches t WHERE t.is_deleted IS NOT TRUE AND t.conversion_event_id IN (SELECT conversion_event_id FROM candidates)
       GROUP BY t.conversion_event_id, t.partner_id
     ),
     completed AS (
       SELECT pe.conversion_event_id, p.partner_id,
              SUM(pe.commission_amount - COALESCE((
                SELECT SUM(a.amount) FROM commission_adjustments a
                WHERE a.payout_id = pe.payout_id AND a.conversion_event_id = pe.conversion_event_id
                  AND a.partner_id = p.partner_id), 0)) AS amount
       FROM payout_events pe JOIN payouts p ON p.payout_id = pe.payout_id
       WHERE p.status = 'completed' AND p.is_deleted IS NOT TRUE AND pe.is_deleted IS NOT TRUE
         AND pe.conversion_event_id IN (SELECT conversion_event_id FROM candidates)
       GROUP BY pe.conversion_event_id, p.partner_id
     )
     UPDATE conversion_events ce SET status = 'paid'
     WHERE ce.conversion_event_id IN (SELECT conversion_event_id FROM candidates)
       AND EXISTS (SELECT 1 FROM gross g WHERE g.conversion_event_id = ce.conversion_event_id AND g.amount <> 0)
       AND NOT EXISTS (
         SELECT 1 FROM gross g
         LEFT JOIN completed c ON c.conversion_event_id = g.conversion_event_id AND c.partner_id = g.partner_id
         WHERE g.conversion_event_id = ce.conversion_event_id AND g.amount <> 0
           AND (c.amount IS NULL OR c.amount <> g.amount))
     RETURNING ce.conversion_event_id`,
    { id: args.payoutId },
  );
  return rows.map((r) => Number(r.conversion_event_id)).sort((a, b) => a - b);
}
