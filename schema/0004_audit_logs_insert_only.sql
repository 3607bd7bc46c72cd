-- audit_logs is insert-only, enforced by the database and not only by convention: any UPDATE or
-- DELETE raises, whatever the caller.
--
-- The one exception is a transaction that first runs SET LOCAL app.audit_maintenance = 'on'
-- (equivalently SELECT set_config('app.audit_maintenance', 'on', true)). Only two jobs do so:
-- GDPR erasure (pseudonymising the actor's ip_address) and the 7-year retention purge. SET LOCAL
-- ends with the transaction, so the switch cannot leak into a pooled connection.

CREATE OR REPLACE FUNCTION audit_logs_insert_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('app.audit_maintenance', true) = 'on' THEN
    IF TG_OP = 'DELETE' THEN
      RETURN OLD;
    END IF;
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_logs is insert-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'Only erasure and retention jobs may change audit_logs, after SET LOCAL app.audit_maintenance = ''on''.';
END;
$$;

CREATE TRIGGER trg_audit_logs_insert_only
  BEFORE UPDATE OR DELETE ON audit_logs
  FOR EACH ROW EXECUTE FUNCTION audit_logs_insert_only();
