-- What the platform needs beyond the dictionary. Every addition is listed with its reason in
-- schema/README.md. The dictionary's own columns are never changed here.

-- clicks: the redirect's click id and the denormalised owners -----------------------------------

-- The click id the redirect mints (UUIDv7) and appends as aff_click_id. Ingestion is idempotent
-- on it (INSERT ... ON CONFLICT (click_uuid) DO NOTHING).
ALTER TABLE clicks ADD COLUMN click_uuid UUID NOT NULL;
ALTER TABLE clicks ADD CONSTRAINT uq_clicks_click_uuid UNIQUE (click_uuid);
-- Hash of the truncated IP and the user agent: repeat clicks without keeping the raw IP.
ALTER TABLE clicks ADD COLUMN visitor_hash VARCHAR(64);
-- Owners copied from the link at ingestion, so journeys and dashboards need no four-table join.
-- Nullable so that a row written without them is still a valid click, but the ingester fills them.
ALTER TABLE clicks ADD COLUMN vendor_id INTEGER REFERENCES vendors (vendor_id);
ALTER TABLE clicks ADD COLUMN partner_id INTEGER REFERENCES partners (partner_id);
ALTER TABLE clicks ADD COLUMN campaign_version_id INTEGER REFERENCES campaign_versions (campaign_version_id);
CREATE INDEX idx_clicks_vendor_id ON clicks (vendor_id, clicked_at);
CREATE INDEX idx_clicks_partner_id ON clicks (partner_id, clicked_at);

-- api_keys: hashed, prefixed, rotatable keys ----------------------------------------------------

-- vendors.api_key (dictionary) keeps only the display prefix of the vendor's first key, never a
-- secret. The secret exists only once, in the response that creates it.
CREATE TABLE api_keys (
  api_key_id             SERIAL PRIMARY KEY,
  key_prefix             VARCHAR(32) NOT NULL,
  key_hash               CHAR(64) NOT NULL CONSTRAINT uq_api_keys_key_hash UNIQUE
                         CONSTRAINT ck_api_keys_key_hash CHECK (key_hash ~ '^[0-9a-f]{64}$'),
  owner_type             VARCHAR(20) NOT NULL
                         CONSTRAINT ck_api_keys_owner_type CHECK (owner_type IN ('vendor_user', 'partner')),
  vendor_user_id         INTEGER REFERENCES vendor_users (vendor_user_id),
  partner_id             INTEGER REFERENCES partners (partner_id),
  created_at             TIMESTAMP NOT NULL DEFAULT NOW(),
  expires_at             TIMESTAMP NOT NULL,
  revoked_at             TIMESTAMP,
  last_used_at           TIMESTAMP,
  -- Rotation: the old key points at its successor and stays valid until it expires or is revoked,
  -- so two keys are live during a rotation.
  replaced_by_api_key_id INTEGER REFERENCES api_keys (api_key_id),
  -- Exactly one owner, and the one named by owner_type.
  CONSTRAINT ck_api_keys_one_owner CHECK (
    (owner_type = 'vendor_user' AND vendor_user_id IS NOT NULL AND partner_id IS NULL)
    OR (owner_type = 'partner' AND partner_id IS NOT NULL AND vendor_user_id IS NULL)
  )
);
CREATE INDEX idx_api_keys_partner_id ON api_keys (partner_id);
CREATE INDEX idx_api_keys_vendor_user_id ON api_keys (vendor_user_id);

-- Vendor scope on tables the dictionary left global ---------------------------------------------

-- Every rule, reward and integration belongs to one vendor: tenancy is enforced by reaching
-- rows only through the caller's vendor.
ALTER TABLE commission_rules ADD COLUMN vendor_id INTEGER NOT NULL REFERENCES vendors (vendor_id);
-- A rule may be limited to one campaign version, NULL means all of the vendor's campaigns.
ALTER TABLE commission_rules ADD COLUMN campaign_version_id INTEGER REFERENCES campaign_versions (campaign_version_id);
CREATE INDEX idx_commission_rules_vendor_id ON commission_rules (vendor_id, commission_rule_id);
CREATE INDEX idx_commission_rules_campaign_version_id ON commission_rules (campaign_version_id);

ALTER TABLE rewards ADD COLUMN vendor_id INTEGER NOT NULL REFERENCES vendors (vendor_id);
CREATE INDEX idx_rewards_vendor_id ON rewards (vendor_id);

-- integrations.config holds the inbound signing secret (config.signing_secret). The API never
-- returns it.
ALTER TABLE integrations ADD COLUMN vendor_id INTEGER NOT NULL REFERENCES vendors (vendor_id);
-- Default campaign for conversions arriving through this integration without a click.
ALTER TABLE integrations ADD COLUMN campaign_id INTEGER REFERENCES campaigns (campaign_id);
CREATE INDEX idx_integrations_vendor_id ON integrations (vendor_id);

-- campaign_versions: attribution and approval terms ---------------------------------------------

ALTER TABLE campaign_versions ADD COLUMN attribution_model VARCHAR(50) NOT NULL DEFAULT 'last_click';
ALTER TABLE campaign_versions ADD CONSTRAINT ck_campaign_versions_attribution_model
  CHECK (attribution_model IN ('first_click', 'last_click', 'linear', 'time_decay', 'position_based'));
ALTER TABLE campaign_versions ADD COLUMN time_decay_half_life_days INTEGER NOT NULL DEFAULT 7;
ALTER TABLE campaign_versions ADD CONSTRAINT ck_campaign_versions_half_life
  CHECK (time_decay_half_life_days > 0);
-- The refund window: pending conversions approve automatically after this many days.
ALTER TABLE campaign_versions ADD COLUMN approval_hold_days INTEGER NOT NULL DEFAULT 30;
ALTER TABLE campaign_versions ADD CONSTRAINT ck_campaign_versions_approval_hold
  CHECK (approval_hold_days >= 0);

-- conversion_events: tenancy, source and idempotency ---------------------------------------------

ALTER TABLE conversion_events ADD COLUMN vendor_id INTEGER NOT NULL REFERENCES vendors (vendor_id);
ALTER TABLE conversion_events ADD COLUMN source VARCHAR(20) NOT NULL DEFAULT 'api';
ALTER TABLE conversion_events ADD CONSTRAINT ck_conversion_events_source
  CHECK (source IN ('api', 'stripe', 'shopify'));
-- Returned to the caller that reported the conversion: a public id that is not the serial.
ALTER TABLE conversion_events ADD COLUMN receipt_id UUID NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE conversion_events ADD CONSTRAINT uq_conversion_events_receipt_id UNIQUE (receipt_id);
-- One conversion per vendor, source, transaction and event type: the final guard against
-- duplicate deliveries, written in the same transaction as the commission.
ALTER TABLE conversion_events ADD CONSTRAINT uq_conversion_events_idempotency
  UNIQUE (vendor_id, source, transaction_id, conversion_event_type_id);
-- Refunded so far (partial refunds reduce the commission on the rest).
ALTER TABLE conversion_events ADD COLUMN refunded_amount NUMERIC(10,2) NOT NULL DEFAULT 0;
ALTER TABLE conversion_events ADD CONSTRAINT ck_conversion_events_refunded_amount
  CHECK (refunded_amount >= 0);
CREATE INDEX idx_conversion_events_vendor_id ON conversion_events (vendor_id, occurred_at);

-- Conversions no partner can be credited with (partner_id and campaign_version_id are NOT NULL in
-- conversion_events). Kept for reports and for a later claim, deduplicated like conversions.
CREATE TABLE unattributed_conversions (
  unattributed_conversion_id BIGSERIAL PRIMARY KEY,
  vendor_id                  INTEGER NOT NULL REFERENCES vendors (vendor_id),
  source                     VARCHAR(20) NOT NULL DEFAULT 'api'
                             CONSTRAINT ck_unattributed_conversions_source CHECK (source IN ('api', 'stripe', 'shopify')),
  transaction_id             VARCHAR(255),
  event_type                 VARCHAR(100) NOT NULL,
  event_value                NUMERIC(10,2),
  payload                    JSONB,
  reason                     TEXT NOT NULL,
  occurred_at                TIMESTAMP,
  received_at                TIMESTAMP NOT NULL DEFAULT NOW(),
  CONSTRAINT uq_unattributed_conversions_idempotency UNIQUE (vendor_id, source, transaction_id, event_type)
);
CREATE INDEX idx_unattributed_conversions_received_at ON unattributed_conversions (vendor_id, received_at);

-- commission_adjustments: refunds after payout ---------------------------------------------------

-- A refund or dispute on a conversion that was already paid cannot change the paid payout: it
-- becomes a negative adjustment netted into the partner's next payout.
CREATE TABLE commission_adjustments (
  commission_adjustment_id BIGSERIAL PRIMARY KEY,
  conversion_event_id      BIGINT NOT NULL REFERENCES conversion_events (conversion_event_id),
  partner_id               INTEGER NOT NULL REFERENCES partners (partner_id),
  -- Negative for clawbacks, positive when a clawback is reversed (dispute won).
  amount                   NUMERIC(10,2) NOT NULL,
  reason                   TEXT NOT NULL,
  -- The provider's event id (refund or dispute): the same event never adjusts one partner's share
  -- twice. The partner is part of the key because a multi-touch conversion pays several partners.
  source_event_id          VARCHAR(255),
  -- Set when the adjustment is netted into a payout.
  payout_id                INTEGER REFERENCES payouts (payout_id),
  created_at               TIMESTAMP NOT NULL DEFAULT NOW(),
  CONSTRAINT uq_commission_adjustments_source_event UNIQUE (conversion_event_id, partner_id, source_event_id)
);
-- The payout job: a partner's adjustments not yet netted.
CREATE INDEX idx_commission_adjustments_open ON commission_adjustments (partner_id) WHERE payout_id IS NULL;
CREATE INDEX idx_commission_adjustments_payout_id ON commission_adjustments (payout_id);

-- webhook_deliveries: inbound webhook dedupe -----------------------------------------------------

-- Inserted in the same transaction as the webhook's effect: a redelivered event hits the primary
-- key and is acknowledged without a second effect.
CREATE TABLE webhook_deliveries (
  provider          VARCHAR(20) NOT NULL,
  provider_event_id VARCHAR(255) NOT NULL,
  integration_id    INTEGER REFERENCES integrations (integration_id),
  received_at       TIMESTAMP NOT NULL DEFAULT NOW(),
  PRIMARY KEY (provider, provider_event_id)
);
CREATE INDEX idx_webhook_deliveries_received_at ON webhook_deliveries (received_at);

-- notification_deliveries: outbound vendor webhooks ---------------------------------------------

-- notification_id is the Standard Webhooks webhook-id: retries reuse it so the vendor can dedupe.
-- status: pending, delivered, failed.
CREATE TABLE notification_deliveries (
  notification_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  vendor_id       INTEGER NOT NULL REFERENCES vendors (vendor_id),
  event_type      VARCHAR(50) NOT NULL,
  payload         JSONB NOT NULL,
  status          VARCHAR(20) NOT NULL DEFAULT 'pending',
  attempts        INTEGER NOT NULL DEFAULT 0 CONSTRAINT ck_notification_deliveries_attempts CHECK (attempts >= 0),
  last_error      TEXT,
  created_at      TIMESTAMP NOT NULL DEFAULT NOW(),
  delivered_at    TIMESTAMP
);
CREATE INDEX idx_notification_deliveries_vendor_id ON notification_deliveries (vendor_id, created_at);
CREATE INDEX idx_notification_deliveries_status ON notification_deliveries (status, created_at);

-- payouts: idempotent provider calls -------------------------------------------------------------

-- Sent to the payment provider as its idempotency key, so a retried payout is never paid twice.
ALTER TABLE payouts ADD COLUMN idempotency_key VARCHAR(100);
ALTER TABLE payouts ADD CONSTRAINT uq_payouts_idempotency_key UNIQUE (idempotency_key);
ALTER TABLE payouts ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payouts ADD CONSTRAINT ck_payouts_attempts CHECK (attempts >= 0);
