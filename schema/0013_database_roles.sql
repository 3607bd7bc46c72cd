-- Least privilege in the database: every function that uses Aurora runs as its own role, holding
-- only the grants the SQL it runs needs (docs/database-roles.md). The master user owns the schema
-- and is used by migrations only.
--
-- Roles are created NOLOGIN and without passwords. On AWS the migrations custom resource gives
-- each login role LOGIN and the password from its own Secrets Manager secret
-- (set_function_role_password below); locally the executors switch to the role with
-- SET LOCAL ROLE. No password is ever written in a migration or a template.
--
-- The function roles are NOINHERIT: a role holds only what is granted to it directly. Membership
-- in a job role (affiliate_retention, affiliate_erasure) therefore grants nothing by itself; it
-- only allows the transaction that runs that job to SET LOCAL ROLE to it. So only the retention
-- and erasure jobs can change audit_logs, whichever function runs them.
--
-- Roles are cluster-wide while grants are per database, and test suites migrate many databases
-- of one server at once: creating a role or a membership that a concurrent migration just created
-- is not an error.

DO $$
DECLARE
  role_name text;
BEGIN
  FOREACH role_name IN ARRAY ARRAY[
    'affiliate_management_api', 'affiliate_webhooks', 'affiliate_ingest_clicks',
    'affiliate_attribute_conversions', 'affiliate_notify_vendors', 'affiliate_scheduled_jobs',
    'affiliate_retention', 'affiliate_erasure'
  ] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN NOINHERIT', role_name);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL;
      END;
    END IF;
  END LOOP;
END
$$;

-- The functions that may run the retention and erasure jobs: the scheduler's and the operator's
-- POST /v1/admin/jobs/{name} and POST /v1/admin/erasure.
DO $$
DECLARE
  grant_pair text[];
BEGIN
  FOREACH grant_pair SLICE 1 IN ARRAY ARRAY[
    ['affiliate_retention', 'affiliate_scheduled_jobs'],
    ['affiliate_retention', 'affiliate_management_api'],
    ['affiliate_erasure', 'affiliate_scheduled_jobs'],
    ['affiliate_erasure', 'affiliate_management_api']
  ] LOOP
    IF NOT pg_has_role(grant_pair[2], grant_pair[1], 'MEMBER') THEN
      BEGIN
        EXECUTE format('GRANT %I TO %I', grant_pair[1], grant_pair[2]);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL;
      END;
    END IF;
  END LOOP;
END
$$;

GRANT USAGE ON SCHEMA public TO affiliate_management_api, affiliate_webhooks, affiliate_ingest_clicks,
  affiliate_attribute_conversions, affiliate_notify_vendors, affiliate_scheduled_jobs, affiliate_retention, affiliate_erasure;

-- Grants by table name, derived from the SQL each function runs (functions/repositories/*, reached
-- from the function's handler). UPDATE and DELETE come with SELECT: their WHERE clauses read.

-- The management API: every route, plus the jobs an operator runs through /v1/admin/jobs (all but
-- retention and erasure, which switch to their own roles). No DELETE except partner types.
GRANT SELECT, INSERT, UPDATE ON api_keys, campaign_milestones, campaign_partners, campaigns, clicks,
  commission_adjustments, commission_rules, content_pieces, conversion_events, cookies,
  event_commission_snapshots, funnel_journeys, leads, partner_campaign_overrides, partner_links,
  partner_payment_methods, partner_types, partners, payouts, rewards, touches, unattributed_conversions,
  vendor_users, vendors TO affiliate_management_api;
GRANT SELECT, INSERT ON audit_logs, campaign_tiers, campaign_versions, integrations, integration_event_mappings,
  payout_events, webhook_deliveries
  TO affiliate_management_api;
GRANT SELECT ON conversion_event_types, payment_providers TO affiliate_management_api;
GRANT SELECT, INSERT, DELETE ON partner_partner_types TO affiliate_management_api;

-- ISO 4217 reference data (0008): readable by every function that handles money.
GRANT SELECT ON currencies TO affiliate_management_api, affiliate_webhooks, affiliate_attribute_conversions,
  affiliate_scheduled_jobs, affiliate_retention, affiliate_erasure;

-- Inbound webhooks: verify against the integration's secret, map the event, enqueue. Read only,
-- and nothing about payouts, payment methods or partners.
GRANT SELECT ON integrations, integration_event_mappings, campaign_versions, conversion_event_types, vendors TO affiliate_webhooks;

-- Click ingestion: clicks, cookies, journeys and the enrollment's click totals.
GRANT SELECT ON campaign_versions, campaigns, partner_links TO affiliate_ingest_clicks;
GRANT SELECT, UPDATE ON campaign_partners TO affiliate_ingest_clicks;
GRANT SELECT, INSERT, UPDATE ON clicks, cookies, funnel_journeys TO affiliate_ingest_clicks;

-- Attribution: conversions, touches, commissions, refunds (reads payouts to net a refund after
-- payout), and the click a conversion arrived before (written from the hot store).
GRANT SELECT ON campaign_milestones, campaign_tiers, campaign_versions, campaigns, commission_rules,
  conversion_event_types, partner_campaign_overrides, partner_links, partners, payout_events, payouts, rewards
  TO affiliate_attribute_conversions;
GRANT SELECT, UPDATE ON campaign_partners TO affiliate_attribute_conversions;
GRANT SELECT, INSERT, UPDATE ON clicks, conversion_events, cookies, event_commission_snapshots,
  funnel_journeys, leads, touches, unattributed_conversions TO affiliate_attribute_conversions;
GRANT SELECT, INSERT ON commission_adjustments, webhook_deliveries TO affiliate_attribute_conversions;
-- A refund or dispute that rejects a conversion or reduces its commission is audited (0012).
GRANT SELECT, INSERT ON audit_logs TO affiliate_attribute_conversions;

-- Vendor notifications: the delivery record and the vendor's endpoint.
GRANT SELECT, INSERT, UPDATE ON notification_deliveries TO affiliate_notify_vendors;
GRANT SELECT ON vendors TO affiliate_notify_vendors;

-- Scheduled jobs (approve-conversions, payouts, rebuild-totals, reconciliation, sync-links).
GRANT SELECT, INSERT ON audit_logs, payout_events TO affiliate_scheduled_jobs;
GRANT SELECT, UPDATE ON campaign_partners, commission_adjustments, conversion_events, funnel_journeys TO affiliate_scheduled_jobs;
GRANT SELECT ON campaign_versions, campaigns, clicks, partner_links, partner_payment_methods, partners,
  payment_providers, touches, vendors TO affiliate_scheduled_jobs;
GRANT SELECT, INSERT, UPDATE ON payouts TO affiliate_scheduled_jobs;

-- Retention (functions/jobs/retention.ts): the only role that may DELETE audit logs (the 7-year
-- purge, through the app.audit_maintenance switch of 0004).
GRANT SELECT, UPDATE, DELETE ON clicks, touches, unattributed_conversions TO affiliate_retention;
GRANT SELECT, DELETE ON cookies, funnel_journeys, audit_logs TO affiliate_retention;
-- The 7-year purge of settled money, in whole units (payouts with their events and adjustments,
-- conversions with their touches and snapshots) and of delivery records (0012).
-- UPDATE only because the purge locks what it deletes (SELECT ... FOR UPDATE needs it).
GRANT SELECT, UPDATE, DELETE ON payouts, payout_events, commission_adjustments, conversion_events,
  event_commission_snapshots, webhook_deliveries, notification_deliveries TO affiliate_retention;
GRANT SELECT ON partners, vendors, campaign_versions, campaigns TO affiliate_retention;

-- GDPR erasure (functions/jobs/gdpr-erasure.ts): pseudonymises PII, including audit_logs.ip_address
-- (the only role that may UPDATE audit logs), and audits the erasure itself.
GRANT SELECT, INSERT, UPDATE ON audit_logs TO affiliate_erasure;
GRANT SELECT ON campaign_versions, campaigns, vendors TO affiliate_erasure;
GRANT SELECT, UPDATE ON clicks, leads, unattributed_conversions, conversion_events, funnel_journeys TO affiliate_erasure;
-- A partner's erasure (0012): identity, payment details, the provider's raw payout answers, keys and links.
GRANT SELECT, UPDATE ON partners, partner_payment_methods, payouts, api_keys, partner_links, campaign_partners TO affiliate_erasure;

-- A role that may INSERT into a table may draw from that table's own sequences (serial and
-- identity columns), and from no other. Rerun it (SELECT grant_function_sequence_usage()) after
-- granting INSERT on a new table.
CREATE OR REPLACE FUNCTION grant_function_sequence_usage() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  pair record;
BEGIN
  FOR pair IN
    SELECT DISTINCT seq.relname AS sequence_name, rol.rolname AS role_name
    FROM pg_class seq
    JOIN pg_depend dep ON dep.classid = 'pg_class'::regclass AND dep.objid = seq.oid AND dep.deptype IN ('a', 'i')
    JOIN pg_class tbl ON tbl.oid = dep.refobjid
    JOIN pg_namespace ns ON ns.oid = tbl.relnamespace AND ns.nspname = 'public'
    CROSS JOIN pg_roles rol
    WHERE seq.relkind = 'S'
      AND rol.rolname IN ('affiliate_management_api', 'affiliate_webhooks', 'affiliate_ingest_clicks',
                          'affiliate_attribute_conversions', 'affiliate_notify_vendors', 'affiliate_scheduled_jobs',
                          'affiliate_retention', 'affiliate_erasure')
      AND has_table_privilege(rol.oid, tbl.oid, 'INSERT')
  LOOP
    EXECUTE format('GRANT USAGE ON SEQUENCE %I TO %I', pair.sequence_name, pair.role_name);
  END LOOP;
END;
$$;
REVOKE ALL ON FUNCTION grant_function_sequence_usage() FROM PUBLIC;
SELECT grant_function_sequence_usage();

-- Called by the migrations custom resource (functions/handlers/migrate-on-deploy.ts) as the master
-- user, with the password read from the role's own secret and bound as a parameter: the password
-- never appears in a statement's text. Only the login roles; the job roles never log in.
CREATE OR REPLACE FUNCTION set_function_role_password(role_name text, role_password text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF role_name IS NULL OR role_name NOT IN ('affiliate_management_api', 'affiliate_webhooks', 'affiliate_ingest_clicks',
                                            'affiliate_attribute_conversions', 'affiliate_notify_vendors',
                                            'affiliate_scheduled_jobs') THEN
    RAISE EXCEPTION 'set_function_role_password: % is not a function login role', role_name
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF role_password IS NULL OR length(role_password) < 32 THEN
    RAISE EXCEPTION 'set_function_role_password: the password of % is shorter than 32 characters', role_name
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  EXECUTE format('ALTER ROLE %I WITH LOGIN PASSWORD %L', role_name, role_password);
END;
$$;
REVOKE ALL ON FUNCTION set_function_role_password(text, text) FROM PUBLIC;
