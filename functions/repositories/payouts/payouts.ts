// Over 300 lines: the payout run is one ~150-line statement, kept whole beside the reads and writes of the same rows.
/**
 * Payout SQL: the set-based payout run (docs/payouts.md "Payable credits", "Thresholds and
 * periods"), the payout reads, and the status writes of the send flow. The pure spec of the run is
 * `selectPayableCredits` + `planPayouts` in the test oracle (test/support/payout-oracle); tests
 * cross-check this SQL against it.
 */
import type { SealedRecord } from '../../ports/payment-data-cipher.js';
import type { SqlExecutor } from '../../ports/sql-executor.js';

/** Shares and adjustments, as CTEs: every live partner share's gross amount and whether a live payout holds it. */
const CREDITS_CTE = `
  adjustment_totals AS (
    SELECT partner_id, conversion_event_id, SUM(amount) AS total
    FROM commission_adjustments GROUP BY partner_id, conversion_event_id
  ),
  -- Driven from the approved conversions (idx_conversion_events_status), each one's touches by
  -- idx_touches_conversion_event_id: the LATERAL aggregate keeps the run proportional to what is
  -- unpaid, where a join let the planner hash every touch ever recorded.
  shares AS (
    SELECT t.partner_id, ce.conversion_event_id, ce.currency, t.touch_share
    FROM conversion_events ce
    CROSS JOIN LATERAL (
      SELECT t.partner_id, SUM(COALESCE(t.touch_value, 0)) AS touch_share
      FROM touches t
      WHERE t.conversion_event_id = ce.conversion_event_id AND t.is_deleted IS NOT TRUE
      GROUP BY t.partner_id
    ) t
    WHERE ce.is_deleted IS NOT TRUE AND ce.status = 'approved' AND ce.approved_at < :end_date::timestamptz
      AND (:only_currency::text IS NULL OR ce.currency = :only_currency::text)
  ),
  -- Per live payout event of the share's own partner: the part that pays the share (the event minus
  -- adjustments netted into the same payout for that conversion).
  components AS (
    SELECT p.partner_id, pe.conversion_event_id,
           pe.commission_amount - COALESCE((
             SELECT SUM(a.amount) FROM commission_adjustments a
             WHERE a.payout_id = pe.payout_id AND a.conversion_event_id = pe.conversion_event_id
               AND a.partner_id = p.partner_id), 0) AS component
    FROM payout_events pe
    JOIN payouts p ON p.payout_id = pe.payout_id
    WHERE pe.is_deleted IS NOT TRUE AND p.is_deleted IS NOT TRUE
  ),
  payable_shares AS (
    SELECT s.partner_id, s.conversion_event_id, s.currency, s.touch_share - COALESCE(at.total, 0) AS amount
    FROM shares s
    LEFT JOIN adjustment_totals at ON at.partner_id = s.partner_id AND at.conversion_event_id = s.conversion_event_id
    -- A share is payable when no live payout event of its partner holds it. Counted per share
    -- (LATERAL: idx_payout_events_conversion_event_id, then the payout by key) rather than NOT EXISTS,
    -- which the planner turned into a hash of every payout event ever paid.
    CROSS JOIN LATERAL (
      SELECT COUNT(*) AS holding FROM components c
      WHERE c.partner_id = s.partner_id AND c.conversion_event_id = s.conversion_event_id
        AND (c.component <> 0 OR s.touch_share - COALESCE(at.total, 0) = 0)
    ) held
    WHERE held.holding = 0
  ),
  open_adjustments AS (
    SELECT commission_adjustment_id, partner_id, conversion_event_id, currency, amount
    FROM commission_adjustments
    WHERE payout_id IS NULL AND created_at < :end_date::timestamptz
      AND (:only_currency::text IS NULL OR currency = :only_currency::text)
  ),
  -- Every credit keeps its currency: a partner gets one payout per currency, and an adjustment
  -- nets only into the payout of its own currency (amounts of two currencies are never added).
  credits AS (
    SELECT partner_id, conversion_event_id, currency, amount, NULL::bigint AS commission_adjustment_id FROM payable_shares
    UNION ALL
    SELECT partner_id, conversion_event_id, currency, amount, commission_adjustment_id FROM open_adjustments
  ),
  partner_totals AS (
    SELECT c.partner_id, c.currency, SUM(c.amount) AS amount FROM credits c GROUP BY c.partner_id, c.currency
  ),
  -- Thresholds in major units per currency ({"JPY": "5000", "USD": "50.00"}); :minimum for any other.
  thresholds AS (
    SELECT key AS currency, value::numeric AS minimum FROM jsonb_each_text(:thresholds::jsonb)
  ),
  default_methods AS (
    SELECT DISTINCT ON (m.partner_id) m.partner_id, m.partner_payment_method_id, m.payment_provider_id, m.is_verified
    FROM partner_payment_methods m
    WHERE m.is_default AND m.is_deleted IS NOT TRUE
    ORDER BY m.partner_id, m.partner_payment_method_id DESC
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
  minimums AS (
    SELECT pt.partner_id, pt.currency, COALESCE(th.minimum, :minimum::numeric) AS minimum
    FROM partner_totals pt LEFT JOIN thresholds th ON th.currency = pt.currency
  ),
  eligible AS (
    SELECT pt.partner_id, pt.currency, pt.amount, dm.partner_payment_method_id, dm.payment_provider_id
    FROM partner_totals pt
    JOIN minimums mn ON mn.partner_id = pt.partner_id AND mn.currency = pt.currency
    JOIN default_methods dm ON dm.partner_id = pt.partner_id AND dm.is_verified IS TRUE
    -- Only approved partners are paid: pending, rejected and suspended ones keep their credits for later.
    JOIN partners pa ON pa.partner_id = pt.partner_id AND pa.status = 'active'
    WHERE pt.amount > 0 AND pt.amount >= mn.minimum
  ),
  inserted AS (
    INSERT INTO payouts (partner_id, partner_payment_method_id, amount, currency, payment_provider_id, status,
                         start_date, end_date, created_at)
    SELECT partner_id, partner_payment_method_id, amount, currency, payment_provider_id, 'pending',
           :start_date::timestamptz, :end_date::timestamptz, :now::timestamptz
    FROM eligible
    ON CONFLICT (partner_id, currency, start_date, end_date) WHERE is_deleted IS NOT TRUE DO NOTHING
    RETURNING payout_id, partner_id, currency
  ),
  inserted_events AS (
    INSERT INTO payout_events (payout_id, conversion_event_id, commission_amount)
    SELECT i.payout_id, c.conversion_event_id, SUM(c.amount)
    FROM credits c JOIN inserted i ON i.partner_id = c.partner_id AND i.currency = c.currency
    GROUP BY i.payout_id, c.conversion_event_id
    RETURNING payout_id
  ),
  stamped AS (
    UPDATE commission_adjustments a SET payout_id = i.payout_id
    FROM open_adjustments o JOIN inserted i ON i.partner_id = o.partner_id AND i.currency = o.currency
    WHERE a.commission_adjustment_id = o.commission_adjustment_id
    RETURNING a.commission_adjustment_id
  )
SELECT pt.partner_id, pt.currency, pt.amount::text AS amount, mn.minimum::text AS minimum, i.payout_id,
       CASE
         WHEN i.payout_id IS NOT NULL THEN NULL
         WHEN (SELECT pa.status FROM partners pa WHERE pa.partner_id = pt.partner_id) IS DISTINCT FROM 'active' THEN 'partner_not_active'
         WHEN dm.partner_id IS NULL OR dm.is_verified IS NOT TRUE THEN 'no_verified_default_method'
         WHEN pt.amount <= 0 OR pt.amount < mn.minimum THEN 'below_threshold'
         ELSE 'already_paid_for_period'
       END AS skip_reason,
       COALESCE(ec.events, 0)::integer AS event_count
FROM partner_totals pt
JOIN minimums mn ON mn.partner_id = pt.partner_id AND mn.currency = pt.currency
LEFT JOIN inserted i ON i.partner_id = pt.partner_id AND i.currency = pt.currency
LEFT JOIN default_methods dm ON dm.partner_id = pt.partner_id
-- Counted once per payout and joined: a correlated count per partner row rescanned every inserted
-- event for every partner (20,000 partners x 16,000 events: 33 s of a 45 s run at 1M conversions).
LEFT JOIN (SELECT payout_id, COUNT(*) AS events FROM inserted_events GROUP BY payout_id) ec ON ec.payout_id = i.payout_id
ORDER BY pt.partner_id, pt.currency`;

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
