-- Clicks the redirect did not count (velocity: more requests per minute from one visitor or one
-- address prefix on one link than the limits allow) are still recorded, so a flood is countable
-- by reason instead of silent. NULL = a counted click. A filtered row has no cookie, journey or
-- enrollment total and earns nothing (click ingestion and attribution skip it).
-- Bots and HEAD previews are still not recorded at all (volume): see docs/trust.md.
ALTER TABLE clicks
  ADD COLUMN filter_reason VARCHAR(20)
  CONSTRAINT chk_clicks_filter_reason CHECK (filter_reason IN ('velocity'));

-- Counting filtered clicks by link (the partner dashboard) reads only the few filtered rows.
CREATE INDEX idx_clicks_filtered ON clicks (partner_link_id, filter_reason) WHERE filter_reason IS NOT NULL;
