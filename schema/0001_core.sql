-- The 30 tables of the data dictionary (shared/data-dictionary.md), with exactly its columns,
-- types, NOT NULLs, keys, foreign keys and defaults, plus the uniques and CHECKs its business
-- rules ask for. Platform additions live in later files (see schema/README.md).
--
-- Rules for every file in schema/: plain SQL statements separated by semicolons, no psql
-- meta-commands, no BEGIN/COMMIT (the runner wraps each file in one transaction), no
-- CREATE INDEX CONCURRENTLY. Each statement runs alone through the RDS Data API.
--
-- Timestamps are TIMESTAMP without time zone, as the dictionary writes them: every session runs
-- in UTC, so NOW() stores UTC.
--
-- ON DELETE: retention deletes clicks after 2 years, cookies after expiry and leads on GDPR
-- request, while conversions live 7 years. References to those rows are SET NULL so that
-- deleting the short-lived row keeps the long-lived one.

-- Core entities -----------------------------------------------------------------------------

CREATE TABLE vendors (
  vendor_id      SERIAL PRIMARY KEY,
  name           VARCHAR(255) NOT NULL,
  email          VARCHAR(255) NOT NULL UNIQUE,
  company_name   VARCHAR(255),
  website_url    TEXT,
  status         VARCHAR(50) DEFAULT 'active'
                 CONSTRAINT ck_vendors_status CHECK (status IN ('active', 'suspended', 'inactive')),
  api_key        VARCHAR(255) UNIQUE,
  webhook_secret VARCHAR(255),
  webhook_url    TEXT,
  is_deleted     BOOLEAN DEFAULT FALSE,
  deleted_at     TIMESTAMP,
  created_at     TIMESTAMP DEFAULT NOW(),
  updated_at     TIMESTAMP DEFAULT NOW()
);

-- "Email must be unique across active vendors": case-insensitive among non-deleted rows. The
-- column's own UNIQUE from the dictionary stays as well.
CREATE UNIQUE INDEX uq_vendors_email_active ON vendors (lower(email)) WHERE is_deleted IS NOT TRUE;

CREATE TABLE partners (
  partner_id  SERIAL PRIMARY KEY,
  name        VARCHAR(255) NOT NULL,
  email       VARCHAR(255) NOT NULL UNIQUE,
  status      VARCHAR(50) DEFAULT 'pending'
              CONSTRAINT ck_partners_status CHECK (status IN ('pending', 'active', 'suspended', 'rejected')),
  tier        VARCHAR(50) DEFAULT 'standard'
              CONSTRAINT ck_partners_tier CHECK (tier IN ('standard', 'bronze', 'silver', 'gold', 'platinum')),
  bio         TEXT,
  website_url TEXT,
  is_deleted  BOOLEAN DEFAULT FALSE,
  deleted_at  TIMESTAMP,
  created_at  TIMESTAMP DEFAULT NOW(),
  updated_at  TIMESTAMP DEFAULT NOW()
);

CREATE TABLE partner_types (
  partner_type_id SERIAL PRIMARY KEY,
  name            VARCHAR(50) NOT NULL UNIQUE,
  description     TEXT,
  is_deleted      BOOLEAN DEFAULT FALSE,
  deleted_at      TIMESTAMP,
  created_at      TIMESTAMP DEFAULT NOW()
);

CREATE TABLE partner_partner_types (
  partner_id      INTEGER NOT NULL REFERENCES partners (partner_id) ON DELETE CASCADE,
  partner_type_id INTEGER NOT NULL REFERENCES partner_types (partner_type_id) ON DELETE CASCADE,
  assigned_at     TIMESTAMP DEFAULT NOW(),
  PRIMARY KEY (partner_id, partner_type_id)
);

CREATE TABLE vendor_users (
  vendor_user_id SERIAL PRIMARY KEY,
  vendor_id      INTEGER NOT NULL REFERENCES vendors (vendor_id),
  email          VARCHAR(255) NOT NULL,
  name           VARCHAR(255) NOT NULL,
  role           VARCHAR(50) DEFAULT 'member'
                 CONSTRAINT ck_vendor_users_role CHECK (role IN ('owner', 'admin', 'manager', 'member')),
  status         VARCHAR(50) DEFAULT 'active'
                 CONSTRAINT ck_vendor_users_status CHECK (status IN ('active', 'inactive', 'pending')),
  invited_by     INTEGER REFERENCES vendor_users (vendor_user_id),
  invited_at     TIMESTAMP,
  joined_at      TIMESTAMP,
  last_login_at  TIMESTAMP,
  is_deleted     BOOLEAN DEFAULT FALSE,
  deleted_at     TIMESTAMP,
  created_at     TIMESTAMP DEFAULT NOW(),
  updated_at     TIMESTAMP DEFAULT NOW()
);

-- Email is unique within a vendor, not globally, case-insensitively, among users not removed: a
-- removed (soft-deleted) member can be invited again.
CREATE UNIQUE INDEX uq_vendor_users_vendor_email
  ON vendor_users (vendor_id, lower(email))
  WHERE is_deleted IS NOT TRUE;

-- Catalogs referenced by campaigns and conversions -------------------------------------------

CREATE TABLE conversion_event_types (
  conversion_event_type_id SERIAL PRIMARY KEY,
  name                     VARCHAR(100) NOT NULL UNIQUE,
  display_name             VARCHAR(255) NOT NULL,
  description              TEXT,
  is_commissionable        BOOLEAN DEFAULT FALSE,
  default_commission_type  VARCHAR(50)
                           CONSTRAINT ck_conversion_event_types_commission_type
                           CHECK (default_commission_type IN ('percentage', 'flat')),
  default_commission_value NUMERIC(10,2)
                           CONSTRAINT ck_conversion_event_types_commission_value
                           CHECK (default_commission_value >= 0),
  sort_order               INTEGER DEFAULT 0,
  is_deleted               BOOLEAN DEFAULT FALSE,
  deleted_at               TIMESTAMP,
  created_at               TIMESTAMP DEFAULT NOW()
);

CREATE TABLE rewards (
  reward_id    SERIAL PRIMARY KEY,
  name         VARCHAR(255) NOT NULL,
  reward_type  VARCHAR(20) NOT NULL
               CONSTRAINT ck_rewards_reward_type CHECK (reward_type IN ('flat', 'percentage')),
  reward_value NUMERIC(10,2) CONSTRAINT ck_rewards_reward_value CHECK (reward_value >= 0),
  is_deleted   BOOLEAN DEFAULT FALSE,
  deleted_at   TIMESTAMP,
  created_at   TIMESTAMP DEFAULT NOW(),
  updated_at   TIMESTAMP DEFAULT NOW()
);

CREATE TABLE commission_rules (
  commission_rule_id SERIAL PRIMARY KEY,
  name               VARCHAR(255) NOT NULL,
  description        TEXT,
  active             BOOLEAN DEFAULT TRUE,
  conditions         JSONB NOT NULL,
  actions            JSONB NOT NULL,
  valid_from         TIMESTAMP DEFAULT NOW(),
  valid_until        TIMESTAMP,
  is_deleted         BOOLEAN DEFAULT FALSE,
  deleted_at         TIMESTAMP,
  created_at         TIMESTAMP DEFAULT NOW(),
  CONSTRAINT ck_commission_rules_validity CHECK (valid_until IS NULL OR valid_from IS NULL OR valid_until > valid_from)
);

-- Campaign management ------------------------------------------------------------------------

-- campaigns and campaign_versions reference each other: the FK from campaigns to its current
-- version is added once both exist.
CREATE TABLE campaigns (
  campaign_id                 SERIAL PRIMARY KEY,
  vendor_id                   INTEGER NOT NULL REFERENCES vendors (vendor_id),
  current_campaign_version_id INTEGER,
  status                      VARCHAR(50) DEFAULT 'active'
                              CONSTRAINT ck_campaigns_status CHECK (status IN ('active', 'paused', 'archived')),
  is_deleted                  BOOLEAN DEFAULT FALSE,
  deleted_at                  TIMESTAMP,
  created_at                  TIMESTAMP DEFAULT NOW(),
  updated_at                  TIMESTAMP DEFAULT NOW()
);

CREATE TABLE campaign_versions (
  campaign_version_id      SERIAL PRIMARY KEY,
  campaign_id              INTEGER NOT NULL REFERENCES campaigns (campaign_id),
  version_number           INTEGER NOT NULL CONSTRAINT ck_campaign_versions_version_number CHECK (version_number > 0),
  name                     VARCHAR(255) NOT NULL,
  description              TEXT,
  destination_url          TEXT NOT NULL,
  default_commission_type  VARCHAR(50) NOT NULL
                           CONSTRAINT ck_campaign_versions_commission_type
                           CHECK (default_commission_type IN ('percentage', 'flat', 'tiered')),
  default_commission_value NUMERIC(10,2)
                           CONSTRAINT ck_campaign_versions_commission_value CHECK (default_commission_value >= 0),
  cookie_duration_days     INTEGER DEFAULT 30
                           CONSTRAINT ck_campaign_versions_cookie_duration CHECK (cookie_duration_days > 0),
  approval_required        BOOLEAN DEFAULT FALSE,
  is_public                BOOLEAN DEFAULT TRUE,
  max_partners             INTEGER CONSTRAINT ck_campaign_versions_max_partners CHECK (max_partners >= 0),
  terms_url                TEXT,
  promotional_guidelines   TEXT,
  is_deleted               BOOLEAN DEFAULT FALSE,
  deleted_at               TIMESTAMP,
  created_at               TIMESTAMP DEFAULT NOW(),
  updated_at               TIMESTAMP DEFAULT NOW(),
  CONSTRAINT uq_campaign_versions_campaign_version UNIQUE (campaign_id, version_number)
);

ALTER TABLE campaigns
  ADD CONSTRAINT fk_campaigns_current_campaign_version
  FOREIGN KEY (current_campaign_version_id) REFERENCES campaign_versions (campaign_version_id);

CREATE TABLE campaign_tiers (
  campaign_tier_id    SERIAL PRIMARY KEY,
  campaign_version_id INTEGER NOT NULL REFERENCES campaign_versions (campaign_version_id),
  reward_id           INTEGER REFERENCES rewards (reward_id),
  label               VARCHAR(50) NOT NULL,
  min_amount          NUMERIC(10,2) NOT NULL CONSTRAINT ck_campaign_tiers_min_amount CHECK (min_amount >= 0),
  max_amount          NUMERIC(10,2) NOT NULL,
  reward_type         VARCHAR(20) NOT NULL
                      CONSTRAINT ck_campaign_tiers_reward_type CHECK (reward_type IN ('flat', 'percentage')),
  reward_value        NUMERIC(10,2) NOT NULL CONSTRAINT ck_campaign_tiers_reward_value CHECK (reward_value >= 0),
  is_deleted          BOOLEAN DEFAULT FALSE,
  deleted_at          TIMESTAMP,
  created_at          TIMESTAMP DEFAULT NOW(),
  CONSTRAINT ck_campaign_tiers_range CHECK (max_amount >= min_amount)
);

CREATE TABLE campaign_partners (
  campaign_partner_id     SERIAL PRIMARY KEY,
  campaign_version_id     INTEGER NOT NULL REFERENCES campaign_versions (campaign_version_id),
  partner_id              INTEGER NOT NULL REFERENCES partners (partner_id),
  status                  VARCHAR(50) DEFAULT 'pending'
                          CONSTRAINT ck_campaign_partners_status
                          CHECK (status IN ('pending', 'approved', 'rejected', 'removed')),
  application_note        TEXT,
  applied_at              TIMESTAMP DEFAULT NOW(),
  approved_at             TIMESTAMP,
  rejected_at             TIMESTAMP,
  rejection_reason        TEXT,
  approved_by             INTEGER REFERENCES vendor_users (vendor_user_id),
  total_clicks            INTEGER DEFAULT 0 CONSTRAINT ck_campaign_partners_total_clicks CHECK (total_clicks >= 0),
  total_conversions       INTEGER DEFAULT 0
                          CONSTRAINT ck_campaign_partners_total_conversions CHECK (total_conversions >= 0),
  -- Money totals carry no sign check: refunds after payout net them down.
  total_revenue           NUMERIC(10,2) DEFAULT 0,
  total_commission_earned NUMERIC(10,2) DEFAULT 0,
  last_click_at           TIMESTAMP,
  last_conversion_at      TIMESTAMP,
  is_deleted              BOOLEAN DEFAULT FALSE,
  deleted_at              TIMESTAMP,
  created_at              TIMESTAMP DEFAULT NOW(),
  updated_at              TIMESTAMP DEFAULT NOW(),
  -- One enrollment per partner and campaign version.
  CONSTRAINT uq_campaign_partners_enrollment UNIQUE (campaign_version_id, partner_id)
);

CREATE TABLE partner_campaign_overrides (
  partner_campaign_override_id SERIAL PRIMARY KEY,
  partner_id                   INTEGER NOT NULL REFERENCES partners (partner_id),
  campaign_version_id          INTEGER NOT NULL REFERENCES campaign_versions (campaign_version_id),
  conversion_event_type_id     INTEGER REFERENCES conversion_event_types (conversion_event_type_id),
  commission_type              VARCHAR(50) NOT NULL
                               CONSTRAINT ck_partner_campaign_overrides_commission_type
                               CHECK (commission_type IN ('percentage', 'flat')),
  commission_value             NUMERIC(10,2) NOT NULL
                               CONSTRAINT ck_partner_campaign_overrides_commission_value CHECK (commission_value >= 0),
  notes                        TEXT,
  valid_from                   TIMESTAMP DEFAULT NOW(),
  valid_until                  TIMESTAMP,
  is_deleted                   BOOLEAN DEFAULT FALSE,
  deleted_at                   TIMESTAMP,
  created_at                   TIMESTAMP DEFAULT NOW(),
  CONSTRAINT ck_partner_campaign_overrides_validity
    CHECK (valid_until IS NULL OR valid_from IS NULL OR valid_until > valid_from)
);

-- One live override per (partner, campaign version, event type). A NULL event type is the
-- generic override and is itself unique (NULLS NOT DISTINCT, PostgreSQL 15+). A deleted override
-- does not block its replacement.
CREATE UNIQUE INDEX uq_partner_campaign_overrides_scope
  ON partner_campaign_overrides (partner_id, campaign_version_id, conversion_event_type_id) NULLS NOT DISTINCT
  WHERE is_deleted IS NOT TRUE;

-- Tracking and attribution -------------------------------------------------------------------

CREATE TABLE content_pieces (
  content_piece_id   SERIAL PRIMARY KEY,
  partner_id         INTEGER REFERENCES partners (partner_id),
  external_reference TEXT,
  description        TEXT,
  metadata           JSONB,
  is_deleted         BOOLEAN DEFAULT FALSE,
  deleted_at         TIMESTAMP,
  created_at         TIMESTAMP DEFAULT NOW(),
  updated_at         TIMESTAMP DEFAULT NOW()
);

CREATE TABLE partner_links (
  partner_link_id     SERIAL PRIMARY KEY,
  campaign_partner_id INTEGER NOT NULL REFERENCES campaign_partners (campaign_partner_id),
  -- The UNIQUE constraint carries the dictionary's index name, so the short code has one index,
  -- not two.
  short_code          VARCHAR(50) NOT NULL CONSTRAINT idx_partner_links_short_code UNIQUE,
  full_url            TEXT NOT NULL,
  custom_params       JSONB,
  utm_params          JSONB,
  link_label          VARCHAR(255),
  content_piece_id    INTEGER REFERENCES content_pieces (content_piece_id),
  is_deleted          BOOLEAN DEFAULT FALSE,
  deleted_at          TIMESTAMP,
  created_at          TIMESTAMP DEFAULT NOW()
);

-- cookies and clicks reference each other: the FKs from cookies to clicks are added once both
-- exist.
CREATE TABLE cookies (
  cookie_id                UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  first_click_id           BIGINT,
  last_click_id            BIGINT,
  first_partner_id         INTEGER REFERENCES partners (partner_id),
  last_partner_id          INTEGER REFERENCES partners (partner_id),
  last_campaign_version_id INTEGER REFERENCES campaign_versions (campaign_version_id),
  user_fingerprint         VARCHAR(255),
  expires_at               TIMESTAMP NOT NULL,
  last_seen_at             TIMESTAMP DEFAULT NOW(),
  is_deleted               BOOLEAN DEFAULT FALSE,
  deleted_at               TIMESTAMP,
  created_at               TIMESTAMP DEFAULT NOW(),
  updated_at               TIMESTAMP DEFAULT NOW()
);

CREATE TABLE clicks (
  click_id        BIGSERIAL PRIMARY KEY,
  partner_link_id INTEGER NOT NULL REFERENCES partner_links (partner_link_id),
  cookie_id       UUID REFERENCES cookies (cookie_id) ON DELETE SET NULL,
  ip_address      INET,
  user_agent      TEXT,
  referrer_url    TEXT,
  source_url      TEXT,
  utm_source      VARCHAR(255),
  utm_medium      VARCHAR(255),
  utm_campaign    VARCHAR(255),
  utm_content     VARCHAR(255),
  utm_term        VARCHAR(255),
  country_code    CHAR(2),
  device_type     VARCHAR(50),
  browser         VARCHAR(100),
  os              VARCHAR(100),
  clicked_at      TIMESTAMP DEFAULT NOW(),
  is_deleted      BOOLEAN DEFAULT FALSE,
  deleted_at      TIMESTAMP
);

ALTER TABLE cookies
  ADD CONSTRAINT fk_cookies_first_click
  FOREIGN KEY (first_click_id) REFERENCES clicks (click_id) ON DELETE SET NULL;

ALTER TABLE cookies
  ADD CONSTRAINT fk_cookies_last_click
  FOREIGN KEY (last_click_id) REFERENCES clicks (click_id) ON DELETE SET NULL;

CREATE TABLE leads (
  lead_id          BIGSERIAL PRIMARY KEY,
  external_lead_id VARCHAR(255) NOT NULL UNIQUE,
  partner_id       INTEGER REFERENCES partners (partner_id),
  vendor_id        INTEGER REFERENCES vendors (vendor_id),
  first_name       VARCHAR(255),
  last_name        VARCHAR(255),
  email            VARCHAR(255),
  phone            VARCHAR(50),
  status           VARCHAR(50) DEFAULT 'new'
                   CONSTRAINT ck_leads_status CHECK (status IN ('new', 'contacted', 'qualified', 'converted', 'lost')),
  is_deleted       BOOLEAN DEFAULT FALSE,
  deleted_at       TIMESTAMP,
  created_at       TIMESTAMP DEFAULT NOW(),
  updated_at       TIMESTAMP DEFAULT NOW()
);

CREATE TABLE funnel_journeys (
  funnel_journey_id    SERIAL PRIMARY KEY,
  -- One journey per cookie.
  cookie_id            UUID NOT NULL UNIQUE REFERENCES cookies (cookie_id),
  partner_id           INTEGER NOT NULL REFERENCES partners (partner_id),
  campaign_version_id  INTEGER NOT NULL REFERENCES campaign_versions (campaign_version_id),
  customer_id          VARCHAR(255),
  customer_email       VARCHAR(255),
  session_id           UUID,
  journey_started_at   TIMESTAMP NOT NULL,
  journey_completed_at TIMESTAMP,
  last_event_at        TIMESTAMP NOT NULL,
  total_events         INTEGER DEFAULT 0 CONSTRAINT ck_funnel_journeys_total_events CHECK (total_events >= 0),
  total_commission     NUMERIC(10,2) DEFAULT 0,
  furthest_stage_id    INTEGER REFERENCES conversion_event_types (conversion_event_type_id),
  is_converted         BOOLEAN DEFAULT FALSE,
  events_sequence      JSONB DEFAULT '[]',
  attribution_map      JSONB DEFAULT '{}',
  is_deleted           BOOLEAN DEFAULT FALSE,
  deleted_at           TIMESTAMP,
  created_at           TIMESTAMP DEFAULT NOW()
);

-- conversion_events.commission_amount and event_value carry no sign check: a partial refund
-- recomputes them and refund events may carry negative values. Rates are non-negative.
CREATE TABLE conversion_events (
  conversion_event_id        BIGSERIAL PRIMARY KEY,
  lead_id                    BIGINT REFERENCES leads (lead_id) ON DELETE SET NULL,
  conversion_event_type_id   INTEGER NOT NULL REFERENCES conversion_event_types (conversion_event_type_id),
  click_id                   BIGINT REFERENCES clicks (click_id) ON DELETE SET NULL,
  cookie_id                  UUID REFERENCES cookies (cookie_id) ON DELETE SET NULL,
  partner_id                 INTEGER NOT NULL REFERENCES partners (partner_id),
  campaign_version_id        INTEGER NOT NULL REFERENCES campaign_versions (campaign_version_id),
  reward_id                  INTEGER REFERENCES rewards (reward_id),
  attribution_type           VARCHAR(50) NOT NULL
                             CONSTRAINT ck_conversion_events_attribution_type
                             CHECK (attribution_type IN ('first_click', 'last_click', 'linear', 'time_decay', 'position_based')),
  attribution_confidence     VARCHAR(50) DEFAULT 'high'
                             CONSTRAINT ck_conversion_events_attribution_confidence
                             CHECK (attribution_confidence IN ('high', 'medium', 'low')),
  transaction_id             VARCHAR(255),
  customer_email             VARCHAR(255),
  customer_id                VARCHAR(255),
  event_value                NUMERIC(10,2),
  commission_amount          NUMERIC(10,2),
  commission_type            VARCHAR(50)
                             CONSTRAINT ck_conversion_events_commission_type
                             CHECK (commission_type IN ('percentage', 'flat')),
  commission_value           NUMERIC(10,2)
                             CONSTRAINT ck_conversion_events_commission_value CHECK (commission_value >= 0),
  status                     VARCHAR(50) DEFAULT 'pending'
                             CONSTRAINT ck_conversion_events_status
                             CHECK (status IN ('pending', 'approved', 'rejected', 'paid')),
  occurred_at                TIMESTAMP DEFAULT NOW(),
  recorded_at                TIMESTAMP DEFAULT NOW(),
  approved_at                TIMESTAMP,
  rejected_at                TIMESTAMP,
  rejection_reason           TEXT,
  metadata                   JSONB,
  funnel_journey_id          INTEGER REFERENCES funnel_journeys (funnel_journey_id) ON DELETE SET NULL,
  applied_commission_rule_id INTEGER REFERENCES commission_rules (commission_rule_id),
  is_deleted                 BOOLEAN DEFAULT FALSE,
  deleted_at                 TIMESTAMP
);

-- touch_value carries no sign check: re-attribution after a refund may write negative credit.
CREATE TABLE touches (
  touch_id               BIGSERIAL PRIMARY KEY,
  conversion_event_id    BIGINT REFERENCES conversion_events (conversion_event_id),
  lead_id                BIGINT REFERENCES leads (lead_id) ON DELETE SET NULL,
  click_id               BIGINT REFERENCES clicks (click_id) ON DELETE SET NULL,
  cookie_id              UUID REFERENCES cookies (cookie_id) ON DELETE SET NULL,
  partner_id             INTEGER NOT NULL REFERENCES partners (partner_id),
  campaign_version_id    INTEGER NOT NULL REFERENCES campaign_versions (campaign_version_id),
  touch_type             VARCHAR(50) NOT NULL
                         CONSTRAINT ck_touches_touch_type CHECK (touch_type IN ('first', 'middle', 'last', 'only')),
  touch_value            NUMERIC(10,2),
  attribution_type       VARCHAR(50) NOT NULL
                         CONSTRAINT ck_touches_attribution_type
                         CHECK (attribution_type IN ('first_click', 'last_click', 'linear', 'time_decay', 'position_based')),
  attribution_confidence VARCHAR(50) DEFAULT 'high'
                         CONSTRAINT ck_touches_attribution_confidence
                         CHECK (attribution_confidence IN ('high', 'medium', 'low')),
  metadata               JSONB DEFAULT '{}',
  occurred_at            TIMESTAMP DEFAULT NOW(),
  recorded_at            TIMESTAMP DEFAULT NOW(),
  is_deleted             BOOLEAN DEFAULT FALSE,
  deleted_at             TIMESTAMP,
  created_at             TIMESTAMP DEFAULT NOW()
);

-- Commission and payouts ---------------------------------------------------------------------

-- Insert-only by rule: the application never updates a snapshot.
CREATE TABLE event_commission_snapshots (
  event_commission_snapshot_id SERIAL PRIMARY KEY,
  conversion_event_id          BIGINT NOT NULL REFERENCES conversion_events (conversion_event_id),
  commission_type              VARCHAR(50)
                               CONSTRAINT ck_event_commission_snapshots_commission_type
                               CHECK (commission_type IN ('percentage', 'flat')),
  commission_value             NUMERIC(10,2),
  commission_amount            NUMERIC(10,2),
  partner_id                   INTEGER NOT NULL REFERENCES partners (partner_id),
  campaign_version_id          INTEGER NOT NULL REFERENCES campaign_versions (campaign_version_id),
  reward_id                    INTEGER REFERENCES rewards (reward_id),
  commission_rule_id           INTEGER REFERENCES commission_rules (commission_rule_id),
  is_deleted                   BOOLEAN DEFAULT FALSE,
  deleted_at                   TIMESTAMP,
  created_at                   TIMESTAMP DEFAULT NOW()
);

CREATE TABLE payment_providers (
  payment_provider_id SERIAL PRIMARY KEY,
  name                VARCHAR(50) NOT NULL UNIQUE,
  display_name        VARCHAR(100) NOT NULL,
  is_active           BOOLEAN DEFAULT TRUE,
  config              JSONB,
  is_deleted          BOOLEAN DEFAULT FALSE,
  deleted_at          TIMESTAMP,
  created_at          TIMESTAMP DEFAULT NOW(),
  updated_at          TIMESTAMP DEFAULT NOW()
);

CREATE TABLE partner_payment_methods (
  partner_payment_method_id SERIAL PRIMARY KEY,
  partner_id                INTEGER NOT NULL REFERENCES partners (partner_id),
  payment_provider_id       INTEGER NOT NULL REFERENCES payment_providers (payment_provider_id),
  provider_account_id       VARCHAR(255),
  account_details           JSONB,
  is_default                BOOLEAN DEFAULT FALSE,
  is_verified               BOOLEAN DEFAULT FALSE,
  verified_at               TIMESTAMP,
  is_deleted                BOOLEAN DEFAULT FALSE,
  deleted_at                TIMESTAMP,
  created_at                TIMESTAMP DEFAULT NOW(),
  updated_at                TIMESTAMP DEFAULT NOW(),
  CONSTRAINT uq_partner_payment_methods_account UNIQUE (partner_id, payment_provider_id, provider_account_id)
);

-- Only one default payment method per partner among the methods not deleted.
CREATE UNIQUE INDEX uq_partner_payment_methods_default
  ON partner_payment_methods (partner_id)
  WHERE is_default AND is_deleted IS NOT TRUE;

CREATE TABLE payouts (
  payout_id                 SERIAL PRIMARY KEY,
  partner_id                INTEGER NOT NULL REFERENCES partners (partner_id),
  partner_payment_method_id INTEGER NOT NULL REFERENCES partner_payment_methods (partner_payment_method_id),
  -- Negative adjustments are netted into a payout, but a payout itself never pays less than zero.
  amount                    NUMERIC(10,2) NOT NULL CONSTRAINT ck_payouts_amount CHECK (amount >= 0),
  currency                  CHAR(3) DEFAULT 'USD' CONSTRAINT ck_payouts_currency CHECK (currency ~ '^[A-Z]{3}$'),
  payment_provider_id       INTEGER NOT NULL REFERENCES payment_providers (payment_provider_id),
  provider_transaction_id   VARCHAR(255),
  provider_response         JSONB,
  status                    VARCHAR(50) DEFAULT 'pending'
                            CONSTRAINT ck_payouts_status CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
  start_date                TIMESTAMP NOT NULL,
  end_date                  TIMESTAMP NOT NULL,
  created_at                TIMESTAMP DEFAULT NOW(),
  processed_at              TIMESTAMP,
  completed_at              TIMESTAMP,
  failed_at                 TIMESTAMP,
  failure_reason            TEXT,
  is_deleted                BOOLEAN DEFAULT FALSE,
  deleted_at                TIMESTAMP,
  CONSTRAINT ck_payouts_period CHECK (end_date >= start_date)
);

-- payout_events.commission_amount carries no sign check: it mirrors the conversion's commission,
-- which refunds can net down.
CREATE TABLE payout_events (
  payout_id           INTEGER NOT NULL REFERENCES payouts (payout_id),
  conversion_event_id BIGINT NOT NULL REFERENCES conversion_events (conversion_event_id),
  commission_amount   NUMERIC(10,2) NOT NULL,
  is_deleted          BOOLEAN DEFAULT FALSE,
  deleted_at          TIMESTAMP,
  PRIMARY KEY (payout_id, conversion_event_id)
);

-- No unique on conversion_event_id alone, although the dictionary says "a conversion can only be
-- included in one payout": with multi-touch attribution one conversion pays several partners
-- (one payout each), and a refund after payout nets into the next payout against the same
-- conversion. The primary key keeps one row per payout and conversion.

-- Supporting tables --------------------------------------------------------------------------

CREATE TABLE integrations (
  integration_id SERIAL PRIMARY KEY,
  name           VARCHAR(255) NOT NULL,
  type           VARCHAR(50) NOT NULL CONSTRAINT ck_integrations_type CHECK (type IN ('webhook', 'api', 'plugin')),
  config         JSONB,
  is_deleted     BOOLEAN DEFAULT FALSE,
  deleted_at     TIMESTAMP,
  created_at     TIMESTAMP DEFAULT NOW(),
  updated_at     TIMESTAMP DEFAULT NOW()
);

CREATE TABLE integration_event_mappings (
  integration_event_mapping_id SERIAL PRIMARY KEY,
  integration_id               INTEGER REFERENCES integrations (integration_id),
  campaign_version_id          INTEGER REFERENCES campaign_versions (campaign_version_id),
  event_name                   VARCHAR(255) NOT NULL,
  mapping_config               JSONB,
  is_deleted                   BOOLEAN DEFAULT FALSE,
  deleted_at                   TIMESTAMP,
  created_at                   TIMESTAMP DEFAULT NOW(),
  updated_at                   TIMESTAMP DEFAULT NOW()
);

CREATE TABLE campaign_milestones (
  campaign_milestone_id SERIAL PRIMARY KEY,
  campaign_version_id   INTEGER REFERENCES campaign_versions (campaign_version_id),
  reward_id             INTEGER REFERENCES rewards (reward_id),
  name                  VARCHAR(255) NOT NULL,
  description           TEXT,
  event_type            VARCHAR(50),
  target_count          INTEGER CONSTRAINT ck_campaign_milestones_target_count CHECK (target_count > 0),
  is_deleted            BOOLEAN DEFAULT FALSE,
  deleted_at            TIMESTAMP,
  created_at            TIMESTAMP DEFAULT NOW(),
  updated_at            TIMESTAMP DEFAULT NOW()
);

-- Insert-only: 0004 adds the trigger that refuses UPDATE and DELETE.
CREATE TABLE audit_logs (
  audit_log_id BIGSERIAL PRIMARY KEY,
  entity_type  VARCHAR(50) NOT NULL,
  entity_id    BIGINT NOT NULL,
  action       VARCHAR(50) NOT NULL,
  actor_type   VARCHAR(50)
               CONSTRAINT ck_audit_logs_actor_type CHECK (actor_type IN ('vendor_user', 'partner', 'system', 'admin')),
  actor_id     INTEGER,
  changes      JSONB,
  reason       TEXT,
  ip_address   INET,
  is_deleted   BOOLEAN DEFAULT FALSE,
  deleted_at   TIMESTAMP,
  created_at   TIMESTAMP DEFAULT NOW()
);
