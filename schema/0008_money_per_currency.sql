-- Money per currency (issue 12). Every amount carries its ISO 4217 currency and is exact in that
-- currency's minor unit: JPY has none, KWD three. The dictionary's DECIMAL(10,2) holds neither a
-- three-decimal amount nor, after a 10 % commission, a KWD share, so every money column (and the
-- columns that hold either a rate or a flat amount) widens to NUMERIC(13,3): the same eight integer
-- digits and more, and one more decimal. Code reads them through parseAmount(value, currency),
-- which accepts the trailing zeros of a narrower currency ("5000.000" JPY) and nothing else there.

-- The currencies the platform accepts with their ISO 4217 minor unit (decimals): the list the
-- code reads from the `currency-codes` package (functions/domain/money/currency.ts), without units
-- of account and metals; test/schema/currencies.test.ts holds this table to that package. It lets
-- SQL validate a currency (foreign keys) and know its decimals.
CREATE TABLE currencies (
  code       CHAR(3) PRIMARY KEY CONSTRAINT ck_currencies_code CHECK (code ~ '^[A-Z]{3}$'),
  minor_unit SMALLINT NOT NULL CONSTRAINT ck_currencies_minor_unit CHECK (minor_unit BETWEEN 0 AND 3)
);
INSERT INTO currencies (code, minor_unit) VALUES
  ('AED', 2), ('AFN', 2), ('ALL', 2), ('AMD', 2), ('ANG', 2), ('AOA', 2), ('ARS', 2), ('AUD', 2),
  ('AWG', 2), ('AZN', 2), ('BAM', 2), ('BBD', 2), ('BDT', 2), ('BGN', 2), ('BHD', 3), ('BIF', 0),
  ('BMD', 2), ('BND', 2), ('BOB', 2), ('BOV', 2), ('BRL', 2), ('BSD', 2), ('BTN', 2), ('BWP', 2),
  ('BYN', 2), ('BZD', 2), ('CAD', 2), ('CDF', 2), ('CHE', 2), ('CHF', 2), ('CHW', 2), ('CLP', 0),
  ('CNY', 2), ('COP', 2), ('COU', 2), ('CRC', 2), ('CUC', 2), ('CUP', 2), ('CVE', 2), ('CZK', 2),
  ('DJF', 0), ('DKK', 2), ('DOP', 2), ('DZD', 2), ('EGP', 2), ('ERN', 2), ('ETB', 2), ('EUR', 2),
  ('FJD', 2), ('FKP', 2), ('GBP', 2), ('GEL', 2), ('GHS', 2), ('GIP', 2), ('GMD', 2), ('GNF', 0),
  ('GTQ', 2), ('GYD', 2), ('HKD', 2), ('HNL', 2), ('HTG', 2), ('HUF', 2), ('IDR', 2), ('ILS', 2),
  ('INR', 2), ('IQD', 3), ('IRR', 2), ('ISK', 0), ('JMD', 2), ('JOD', 3), ('JPY', 0), ('KES', 2),
  ('KGS', 2), ('KHR', 2), ('KMF', 0), ('KPW', 2), ('KRW', 0), ('KWD', 3), ('KYD', 2), ('KZT', 2),
  ('LAK', 2), ('LBP', 2), ('LKR', 2), ('LRD', 2), ('LSL', 2), ('LYD', 3), ('MAD', 2), ('MDL', 2),
  ('MGA', 2), ('MKD', 2), ('MMK', 2), ('MNT', 2), ('MOP', 2), ('MRU', 2), ('MUR', 2), ('MVR', 2),
  ('MWK', 2), ('MXN', 2), ('MXV', 2), ('MYR', 2), ('MZN', 2), ('NAD', 2), ('NGN', 2), ('NIO', 2),
  ('NOK', 2), ('NPR', 2), ('NZD', 2), ('OMR', 3), ('PAB', 2), ('PEN', 2), ('PGK', 2), ('PHP', 2),
  ('PKR', 2), ('PLN', 2), ('PYG', 0), ('QAR', 2), ('RON', 2), ('RSD', 2), ('RUB', 2), ('RWF', 0),
  ('SAR', 2), ('SBD', 2), ('SCR', 2), ('SDG', 2), ('SEK', 2), ('SGD', 2), ('SHP', 2), ('SLE', 2),
  ('SOS', 2), ('SRD', 2), ('SSP', 2), ('STN', 2), ('SVC', 2), ('SYP', 2), ('SZL', 2), ('THB', 2),
  ('TJS', 2), ('TMT', 2), ('TND', 3), ('TOP', 2), ('TRY', 2), ('TTD', 2), ('TWD', 2), ('TZS', 2),
  ('UAH', 2), ('UGX', 0), ('USD', 2), ('USN', 2), ('UYI', 0), ('UYU', 2), ('UZS', 2), ('VED', 2),
  ('VES', 2), ('VND', 0), ('VUV', 0), ('WST', 2), ('XAF', 0), ('XCD', 2), ('XOF', 0), ('XPF', 0),
  ('YER', 2), ('ZAR', 2), ('ZMW', 2), ('ZWG', 2);

-- A campaign prices in one currency: its tiers, flat commissions and rewards are amounts of it,
-- and its enrollments' totals add only conversions in it (see docs/money.md).
ALTER TABLE campaigns ADD COLUMN currency CHAR(3) NOT NULL DEFAULT 'USD'
  CONSTRAINT ck_campaigns_currency CHECK (currency ~ '^[A-Z]{3}$')
  CONSTRAINT fk_campaigns_currency REFERENCES currencies (code);

-- Each conversion keeps the currency it was sold in. Before this migration the platform recorded
-- every conversion as dollars; a currency a producer named was kept in the attribution details.
ALTER TABLE conversion_events ADD COLUMN currency CHAR(3) NOT NULL DEFAULT 'USD'
  CONSTRAINT ck_conversion_events_currency CHECK (currency ~ '^[A-Z]{3}$')
  CONSTRAINT fk_conversion_events_currency REFERENCES currencies (code);
-- Only to a currency the platform accepts, and only where the recorded amounts are exact in it
-- (a row that cannot be read in the named currency stays USD, as it was recorded).
UPDATE conversion_events ce
   SET currency = cur.code
  FROM currencies cur
 WHERE cur.code = upper(ce.metadata -> 'attribution_details' ->> 'currency')
   AND (ce.event_value IS NULL OR ce.event_value = round(ce.event_value, cur.minor_unit))
   AND (ce.commission_amount IS NULL OR ce.commission_amount = round(ce.commission_amount, cur.minor_unit))
   AND ce.refunded_amount = round(ce.refunded_amount, cur.minor_unit)
   AND NOT EXISTS (SELECT 1 FROM touches t WHERE t.conversion_event_id = ce.conversion_event_id
                     AND t.touch_value <> round(t.touch_value, cur.minor_unit));

ALTER TABLE unattributed_conversions ADD COLUMN currency CHAR(3) NOT NULL DEFAULT 'USD'
  CONSTRAINT ck_unattributed_conversions_currency CHECK (currency ~ '^[A-Z]{3}$')
  CONSTRAINT fk_unattributed_conversions_currency REFERENCES currencies (code);

-- An adjustment nets into a payout of its own currency.
ALTER TABLE commission_adjustments ADD COLUMN currency CHAR(3) NOT NULL DEFAULT 'USD'
  CONSTRAINT ck_commission_adjustments_currency CHECK (currency ~ '^[A-Z]{3}$')
  CONSTRAINT fk_commission_adjustments_currency REFERENCES currencies (code);
UPDATE commission_adjustments ca
   SET currency = ce.currency
  FROM conversion_events ce
 WHERE ce.conversion_event_id = ca.conversion_event_id;

-- No foreign key here: payouts already recorded keep whatever code they were sent in.
UPDATE payouts SET currency = 'USD' WHERE currency IS NULL;
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
