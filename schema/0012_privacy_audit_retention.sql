-- Privacy and audit rules of the data dictionary (docs/privacy-and-retention.md).

-- partners: the dictionary's two named indexes ("Indexes" of the partners table). The UNIQUE on
-- email stays (its own index); idx_partners_email is the one the dictionary names for logins.
CREATE INDEX IF NOT EXISTS idx_partners_email ON partners (email);
CREATE INDEX IF NOT EXISTS idx_partners_tier ON partners (tier);

-- audit_logs.entity_type is the table name (the dictionary's audit queries ask for
-- 'conversion_events' and 'payouts'). Earlier writers used singular names; this one UPDATE
-- renames them with the insert-only trigger disabled for the statement only (the migration runs
-- in one transaction: if anything fails the trigger is back as it was).
ALTER TABLE audit_logs DISABLE TRIGGER trg_audit_logs_insert_only;
UPDATE audit_logs SET entity_type = CASE entity_type
    WHEN 'conversion_event' THEN 'conversion_events'
    WHEN 'payout' THEN 'payouts'
    WHEN 'partner_payment_method' THEN 'partner_payment_methods'
  END
WHERE entity_type IN ('conversion_event', 'payout', 'partner_payment_method');
ALTER TABLE audit_logs ENABLE TRIGGER trg_audit_logs_insert_only;

-- The insert-only rule, narrowed to what the two maintenance jobs need:
--  * UPDATE only under SET LOCAL app.audit_maintenance = 'on' (erasure), and only of the personal
--    columns ip_address and changes: who did what to which row, and when, never changes.
--  * DELETE only of rows created before app.audit_purge_before, a timestamp the retention job sets
--    (SET LOCAL) to its cutoff: the purge of rows past the retention age. Nothing else deletes.
CREATE OR REPLACE FUNCTION audit_logs_insert_only() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  purge_before TEXT := NULLIF(current_setting('app.audit_purge_before', true), '');
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF purge_before IS NOT NULL AND OLD.created_at < purge_before::timestamp THEN
      RETURN OLD;
    END IF;
  ELSIF current_setting('app.audit_maintenance', true) = 'on'
    AND NEW.audit_log_id = OLD.audit_log_id
    AND NEW.entity_type = OLD.entity_type
    AND NEW.entity_id = OLD.entity_id
    AND NEW.action = OLD.action
    AND NEW.actor_type IS NOT DISTINCT FROM OLD.actor_type
    AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
    AND NEW.reason IS NOT DISTINCT FROM OLD.reason
    AND NEW.is_deleted IS NOT DISTINCT FROM OLD.is_deleted
    AND NEW.deleted_at IS NOT DISTINCT FROM OLD.deleted_at
    AND NEW.created_at IS NOT DISTINCT FROM OLD.created_at THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_logs is insert-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'Erasure may update ip_address and changes after SET LOCAL app.audit_maintenance = ''on''; retention may delete rows older than SET LOCAL app.audit_purge_before.';
END;
$$;

-- The retention purges: payouts by age (their events and adjustments go with them) and
-- notification deliveries by age whatever their status.
CREATE INDEX IF NOT EXISTS idx_payouts_created_at ON payouts (created_at);
CREATE INDEX IF NOT EXISTS idx_notification_deliveries_created_at ON notification_deliveries (created_at);
