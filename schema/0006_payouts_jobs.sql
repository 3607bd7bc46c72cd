-- Payout job guards (docs/payouts.md, docs/operations.md).

-- One live payout per partner and run period: the final guard against two payout runs racing past
-- the advisory lock (or a re-run after a crash). A cancelled payout (is_deleted) frees the slot.
CREATE UNIQUE INDEX uq_payouts_partner_period_live
  ON payouts (partner_id, start_date, end_date)
  WHERE is_deleted IS NOT TRUE;

-- The approve-conversions job scans pending conversions by age.
CREATE INDEX idx_conversion_events_pending_occurred
  ON conversion_events (occurred_at)
  WHERE status = 'pending' AND is_deleted IS NOT TRUE;
