/**
 * The operator's reconciliation: ONE read-only query that returns every broken money invariant
 * (no rows = the books balance). Its spec is `reconcile()` in the test oracle (test/support/payout-oracle); the kinds
 * and the rows it reports are the same (docs/payouts.md "Reconciliation"). Operators can paste
 * RECONCILIATION_SQL into psql as is (it takes no parameters).
 */
import { amountText } from '../../domain/money/amount-text.js';
import type { SqlExecutor } from '../../ports/sql-executor.js';

export const RECONCILIATION_SQL = `
WITH
  live_conversions AS (
    SELECT conversion_event_id, status, COALESCE(commission_amount, 0) AS commission
    FROM conversion_events WHERE is_deleted IS NOT TRUE
  ),
  touch_shares AS (
    SELECT partner_id, conversion_event_id, SUM(COALESCE(touch_value, 0)) AS share
    FROM touches WHERE is_deleted IS NOT TRUE GROUP BY partner_id, conversion_event_id
  ),
  adjustment_totals AS (
    SELECT partner_id, conversion_event_id, SUM(amount) AS total
    FROM commission_adjustments GROUP BY partner_id, conversion_event_id
  ),
  gross AS (
    SELECT ts.partner_id, ts.conversion_event_id, ts.share - COALESCE(at.total, 0) AS amount
    FROM touch_shares ts
    LEFT JOIN adjustment_totals at ON at.partner_id = ts.partner_id AND at.conversion_event_id = ts.conversion_event_id
  ),
  live_payouts AS (SELECT payout_id, partner_id, status, amount, currency FROM payouts WHERE is_deleted IS NOT TRUE),
  components AS (
    SELECT lp.partner_id, pe.conversion_event_id, pe.payout_id, lp.status,
           pe.commission_amount - COALESCE((
             SELECT SUM(a.amount) FROM commission_adjustments a
             WHERE a.payout_id = pe.payout_id AND a.conversion_event_id = pe.conversion_event_id), 0) AS component
    FROM payout_events pe JOIN live_payouts lp ON lp.payout_id = pe.payout_id
    WHERE pe.is_deleted IS NOT TRUE
  ),
  held AS (
    SELECT partner_id, conversion_event_id, SUM(component) AS amount
    FROM components GROUP BY partner_id, conversion_event_id
  ),
  completed AS (
    SELECT partner_id, conversion_event_id, SUM(component) AS amount
    FROM components WHERE status = 'completed' GROUP BY partner_id, conversion_event_id
  ),
  violations AS (
    SELECT 'touches_not_equal_commission' AS kind, c.conversion_event_id, NULL::integer AS payout_id, NULL::integer AS partner_id,
           NULL::bigint AS adjustment_id, c.commission AS expected, COALESCE(t.total, 0) AS actual
    FROM live_conversions c
    LEFT JOIN (SELECT conversion_event_id, SUM(share) AS total FROM touch_shares GROUP BY conversion_event_id) t
      ON t.conversion_event_id = c.conversion_event_id
    WHERE c.status <> 'rejected' AND c.commission <> COALESCE(t.total, 0)
    UNION ALL
    SELECT 'sent_payout_deleted', NULL, p.payout_id, p.partner_id, NULL, NULL, NULL
    FROM payouts p WHERE p.is_deleted IS TRUE AND p.status IN ('completed', 'processing')
    UNION ALL
    -- One currency per payout: its events' conversions and its netted adjustments are in it
    -- (the row's currency is the payout's; the conversion or adjustment is in another).
    SELECT 'payout_currency_mismatch', pe.conversion_event_id, p.payout_id, p.partner_id, NULL, NULL, NULL
    FROM payout_events pe JOIN live_payouts p ON p.payout_id = pe.payout_id
    JOIN conversion_events ce ON ce.conversion_event_id = pe.conversion_event_id
    WHERE pe.is_deleted IS NOT TRUE AND ce.currency <> p.currency
    UNION ALL
    SELECT 'payout_currency_mismatch', a.conversion_event_id, p.payout_id, a.partner_id, a.commission_adjustment_id, NULL, NULL
    FROM commission_adjustments a JOIN live_payouts p ON p.payout_id = a.payout_id
    WHERE a.currency <> p.currency
    UNION ALL
    SELECT 'payout_amount_not_equal_events', NULL, p.payout_id, p.partner_id, NULL, p.amount, COALESCE(e.total, 0)
    FROM live_payouts p
    LEFT JOIN (SELECT payout_id, SUM(commission_amount) AS total FROM payout_events WHERE is_deleted IS NOT TRUE GROUP BY payout_id) e
      ON e.payout_id = p.payout_id
    WHERE p.amount <> COALESCE(e.total, 0)
    UNION ALL
    SELECT 'payout_not_positive', NULL, p.payout_id, p.partner_id, NULL, NULL, p.amount
    FROM live_payouts p WHERE p.amount <= 0
    UNION ALL
    SELECT 'event_without_credit', a.conversion_event_id, a.payout_id, a.partner_id, a.commission_adjustment_id, NULL, NULL
    FROM commission_adjustments a LEFT JOIN live_payouts p ON p.payout_id = a.payout_id
    WHERE a.payout_id IS NOT NULL AND (p.payout_id IS NULL OR p.partner_id <> a.partner_id)
    UNION ALL
    SELECT 'event_without_credit', h.conversion_event_id, NULL, h.partner_id, NULL, NULL, h.amount
    FROM held h LEFT JOIN gross g ON g.partner_id = h.partner_id AND g.conversion_event_id = h.conversion_event_id
    WHERE g.partner_id IS NULL AND h.amount <> 0
    UNION ALL
    SELECT 'share_paid_incorrectly', h.conversion_event_id, NULL, h.partner_id, NULL, g.amount, h.amount
    FROM held h JOIN gross g ON g.partner_id = h.partner_id AND g.conversion_event_id = h.conversion_event_id
    WHERE h.amount <> 0 AND h.amount <> g.amount
    UNION ALL
    SELECT 'event_on_unpayable_conversion', cp.conversion_event_id, cp.payout_id, cp.partner_id, NULL, NULL, NULL
    FROM components cp
    JOIN gross g ON g.partner_id = cp.partner_id AND g.conversion_event_id = cp.conversion_event_id
    LEFT JOIN live_conversions c ON c.conversion_event_id = cp.conversion_event_id
    WHERE cp.component <> 0
      AND (c.conversion_event_id IS NULL OR c.status = 'pending'
           OR (c.status = 'rejected' AND NOT EXISTS (
                 SELECT 1 FROM commission_adjustments a WHERE a.partner_id = cp.partner_id AND a.conversion_event_id = cp.conversion_event_id)))
    UNION ALL
    SELECT 'paid_not_paid_out', c.conversion_event_id, NULL, g.partner_id, NULL, g.amount, COALESCE(d.amount, 0)
    FROM live_conversions c
    JOIN gross g ON g.conversion_event_id = c.conversion_event_id AND g.amount <> 0
    LEFT JOIN completed d ON d.partner_id = g.partner_id AND d.conversion_event_id = g.conversion_event_id
    WHERE c.status = 'paid' AND COALESCE(d.amount, 0) <> g.amount
    UNION ALL
    SELECT 'paid_out_not_marked_paid', c.conversion_event_id, NULL, NULL, NULL, NULL, NULL
    FROM live_conversions c
    WHERE c.status = 'approved'
      AND EXISTS (SELECT 1 FROM gross g WHERE g.conversion_event_id = c.conversion_event_id AND g.amount <> 0)
      AND NOT EXISTS (
        SELECT 1 FROM gross g
        LEFT JOIN completed d ON d.partner_id = g.partner_id AND d.conversion_event_id = g.conversion_event_id
        WHERE g.conversion_event_id = c.conversion_event_id AND g.amount <> 0 AND COALESCE(d.amount, 0) <> g.amount)
  )
SELECT v.kind, v.conversion_event_id, v.payout_id, v.partner_id, v.adjustment_id, v.expected::text AS expected, v.actual::text AS actual,
       -- The currency of expected and actual: the payout's when the row names one, else the conversion's.
       COALESCE((SELECT p.currency FROM payouts p WHERE p.payout_id = v.payout_id),
                (SELECT ce.currency FROM conversion_events ce WHERE ce.conversion_event_id = v.conversion_event_id)) AS currency
FROM violations v
ORDER BY kind, conversion_event_id NULLS FIRST, payout_id NULLS FIRST, partner_id NULLS FIRST`;

export interface ReconciliationViolation extends Record<string, unknown> {
  kind: string;
  conversion_event_id: number | null;
  payout_id: number | null;
  partner_id: number | null;
  adjustment_id: number | null;
  /** Amounts in `currency`'s decimals. */
  expected: string | null;
  actual: string | null;
  currency: string | null;
}

/**
 * Each currency's books on their own (amounts of two currencies are never added): commission
 * earned by live non-rejected conversions, what completed payouts paid, what live payouts not yet
 * completed hold, and the adjustments (clawbacks) not yet netted into a payout.
 */
export const RECONCILIATION_MONEY_SQL = `
SELECT currency, SUM(earned)::text AS earned, SUM(paid_out)::text AS paid_out, SUM(in_payouts)::text AS in_payouts,
       SUM(open_adjustments)::text AS open_adjustments
FROM (
  SELECT currency, COALESCE(commission_amount, 0) AS earned, 0 AS paid_out, 0 AS in_payouts, 0 AS open_adjustments
  FROM conversion_events WHERE is_deleted IS NOT TRUE AND status <> 'rejected'
  UNION ALL
  SELECT currency, 0, CASE WHEN status = 'completed' THEN amount ELSE 0 END, CASE WHEN status <> 'completed' THEN amount ELSE 0 END, 0
  FROM payouts WHERE is_deleted IS NOT TRUE
  UNION ALL
  SELECT currency, 0, 0, 0, amount FROM commission_adjustments WHERE payout_id IS NULL
) AS x
GROUP BY currency
ORDER BY currency`;

export interface CurrencyBooks {
  currency: string;
  earned: string;
  paid_out: string;
  in_payouts: string;
  open_adjustments: string;
}

export async function reconciliationMoney(sql: SqlExecutor): Promise<CurrencyBooks[]> {
  const { rows } = await sql.query<CurrencyBooks & Record<string, unknown>>(RECONCILIATION_MONEY_SQL);
  return rows.map((r) => ({
    currency: r.currency,
    earned: amountText(r.earned, r.currency),
    paid_out: amountText(r.paid_out, r.currency),
    in_payouts: amountText(r.in_payouts, r.currency),
    open_adjustments: amountText(r.open_adjustments, r.currency),
  }));
}

export async function runReconciliation(sql: SqlExecutor): Promise<ReconciliationViolation[]> {
  const { rows } = await sql.query<ReconciliationViolation>(RECONCILIATION_SQL);
  return rows.map((r) => ({
    ...r,
    ...(r.currency !== null && r.kind !== 'payout_currency_mismatch'
      ? { expected: amountText(r.expected, r.currency), actual: amountText(r.actual, r.currency) }
      : {}),
    conversion_event_id: r.conversion_event_id === null ? null : Number(r.conversion_event_id),
    payout_id: r.payout_id === null ? null : Number(r.payout_id),
    partner_id: r.partner_id === null ? null : Number(r.partner_id),
    adjustment_id: r.adjustment_id === null ? null : Number(r.adjustment_id),
  }));
}
