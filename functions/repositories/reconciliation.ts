/**
 * The operator's reconciliation: ONE read-only query that returns every broken money invariant
 * (no rows = the books balance). Its spec is `reconcile()` in functions/domain/payouts; the kinds
 * and the rows it reports are the same (docs/payouts.md "Reconciliation"). Operators can paste
 * RECONCILIATION_SQL into psql as is (it takes no parameters).
 */
import type { SqlExecutor } from '../ports/sql-executor.js';

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
  live_payouts AS (SELECT payout_id, partner_id, status, amount FROM payouts WHERE is_deleted IS NOT TRUE),
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
SELECT kind, conversion_event_id, payout_id, partner_id, adjustment_id, expected::text AS expected, actual::text AS actual
FROM violations
ORDER BY kind, conversion_event_id NULLS FIRST, payout_id NULLS FIRST, partner_id NULLS FIRST`;

export interface ReconciliationViolation extends Record<string, unknown> {
  kind: string;
  conversion_event_id: number | null;
  payout_id: number | null;
  partner_id: number | null;
  adjustment_id: number | null;
  expected: string | null;
  actual: string | null;
}

export async function runReconciliation(sql: SqlExecutor): Promise<ReconciliationViolation[]> {
  const { rows } = await sql.query<ReconciliationViolation>(RECONCILIATION_SQL);
  return rows.map((r) => ({
    ...r,
    conversion_event_id: r.conversion_event_id === null ? null : Number(r.conversion_event_id),
    payout_id: r.payout_id === null ? null : Number(r.payout_id),
    partner_id: r.partner_id === null ? null : Number(r.partner_id),
    adjustment_id: r.adjustment_id === null ? null : Number(r.adjustment_id),
  }));
}
