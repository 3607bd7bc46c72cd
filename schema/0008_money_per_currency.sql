-- Money per currency (issue 12). Every amount carries its ISO 4217 currency and is exact in that
-- currency's minor unit: JPY has none, KWD three. The dictionary's DECIMAL(10,2) holds neither a
-- three-decimal amount nor, after a 10 % commission, a KWD share, so every money column (and the
-- columns that hold either a rate or a flat amount) widens to NUMERIC(13,3): the same eight integer
-- digits and more, and one more decimal. Code reads them through parseAmount(value, currency),
-- which accepts the trailing zeros of a narrower currency ("5000.000" JPY) and nothing else there.

-- A campaign prices in one currency: its tiers, flat commissions and rewards are amounts of it,
-- and its enrollments' totals add only conversions in it (see docs/money.md).
ALTER TABLE campaigns ADD COLUMN currency CHAR(3) NOT NULL DEFAULT 'USD'
  CONSTRAINT ck_campaigns_currency CHECK (currency ~ '^[A-Z]{3}$');

-- Each conversion keeps the currency it was sold in. Before this migration the platform recorded
-- every conversion as dollars; a currency a producer named was kept in the attribution details.
ALTER TABLE conversion_events ADD COLUMN currency CHAR(3) NOT NULL DEFAULT 'USD'
  CONSTRAINT ck_conversion_events_currency CHECK (currency ~ '^[A-Z]{3}$');
UPDATE conversion_events
   SET currency = upper(metadata -> 'attribution_details' ->> 'currency')
 WHERE metadata -> 'attribution_details' ->> 'currency' ~ '^[A-Za-z]{3}$';

ALTER TABLE unattributed_conversions ADD COLUMN currency CHAR(3) NOT NULL DEFAULT 'USD'
  CONSTRAINT ck_unattributed_conversions_currency CHECK (currency ~ '^[A-Z]{3}$');

-- An adjustment nets into a payout of its own currency.
ALTER TABLE commission_adjustments ADD COLUMN currency CHAR(3) NOT NULL DEFAULT 'USD'
  CONSTRAINT ck_commission_adjustments_currency CHECK (currency ~ '^[A-Z]{3}$');
UPDATE commission_adjustments ca
   SET currency = ce.currency
  FROM conversion_events ce
 WHERE ce.conversion_event_id = ca.conversion_event_id;

ALTER TABLE payouts ALTER COLUMN currency SET NOT NULL;

ALTER TABLE campaign_versions ALTER COLUMN default_commission_value TYPE NUMERIC(13,3);
ALTER TABLE conversion_event_types ALTER COLUMN default_commission_value TYPE NUMERIC(13,3);
ALTER TABLE rewards ALTER COLUMN reward_value TYPE NUMERIC(13,3);
ALTER TABLE campaign_tiers ALTER COLUMN min_amount TYPE NUMERIC(13,3);
ALTER TABLE campaign_tiers ALTER COLUMN max_amount TYPE NUMERIC(13,3);
ALTER TABLE campaign_tiers ALTER COLUMN reward_value TYPE NUMERIC(13,3);
ALTER TABLE campaign_partners ALTER COLUMN total_revenue TYPE NUMERIC(13,3);
ALTER TABLE campaign_partners ALTER COLUMN total_commission_earned TYPE NUMERIC(13,3);
ALTER TABLE partner_campaign_overrides ALTER COLUMN commission_value TYPE NUMERIC(13,3);
ALTER TABLE funnel_journeys ALTER COLUMN total_commission TYPE NUMERIC(13,3);
ALTER TABLE conversion_events ALTER COLUMN event_value TYPE NUMERIC(13,3);
ALTER TABLE conversion_events ALTER COLUMN commission_amount TYPE NUMERIC(13,3);
ALTER TABLE conversion_events ALTER COLUMN commission_value TYPE NUMERIC(13,3);
ALTER TABLE conversion_events ALTER COLUMN refunded_amount TYPE NUMERIC(13,3);
ALTER TABLE touches ALTER COLUMN touch_value TYPE NUMERIC(13,3);
ALTER TABLE event_commission_snapshots ALTER COLUMN commission_value TYPE NUMERIC(13,3);
ALTER TABLE event_commission_snapshots ALTER COLUMN commission_amount TYPE NUMERIC(13,3);
ALTER TABLE payouts ALTER COLUMN amount TYPE NUMERIC(13,3);
ALTER TABLE payout_events ALTER COLUMN commission_amount TYPE NUMERIC(13,3);
ALTER TABLE unattributed_conversions ALTER COLUMN event_value TYPE NUMERIC(13,3);
ALTER TABLE commission_adjustments ALTER COLUMN amount TYPE NUMERIC(13,3);

-- One payout per partner, currency and period: the guard against paying a period twice now
-- includes the currency (a partner with USD and EUR sales gets two payouts for one period).
DROP INDEX uq_payouts_partner_period_live;
CREATE UNIQUE INDEX uq_payouts_partner_currency_period_live
  ON payouts (partner_id, currency, start_date, end_date)
  WHERE is_deleted IS NOT TRUE;
-- The payout run's open adjustments per partner and currency.
CREATE INDEX idx_commission_adjustments_open_currency ON commission_adjustments (partner_id, currency) WHERE payout_id IS NULL;
DROP INDEX idx_commission_adjustments_open;
