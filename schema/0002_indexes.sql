-- The 26 indexes of the dictionary's "Indexes Summary", under exactly its names, plus indexes on
-- foreign keys that deletes and joins walk. idx_partner_links_short_code is the name of the
-- short code's UNIQUE constraint in 0001 (one index, not two), so it is not created again here.
--
-- Where a named index leads with the dictionary's column, a trailing time column serves the
-- "this partner's rows, newest first" pages and range scans with the same index.

-- Foreign key indexes
CREATE INDEX idx_leads_partner_id ON leads (partner_id);
CREATE INDEX idx_leads_vendor_id ON leads (vendor_id);
CREATE INDEX idx_campaigns_vendor_id ON campaigns (vendor_id);
CREATE INDEX idx_campaign_versions_campaign_id ON campaign_versions (campaign_id);
CREATE INDEX idx_campaign_partners_partner_id ON campaign_partners (partner_id);
-- A browser's clicks in time order: the journey for multi-touch attribution.
CREATE INDEX idx_clicks_cookie_id ON clicks (cookie_id, clicked_at);
-- A link's recent clicks: flood and repeat-click checks, per-link reports.
CREATE INDEX idx_clicks_partner_link_id ON clicks (partner_link_id, clicked_at);
CREATE INDEX idx_conversion_events_partner_id ON conversion_events (partner_id, occurred_at);
CREATE INDEX idx_conversion_events_campaign_version_id ON conversion_events (campaign_version_id, occurred_at);
CREATE INDEX idx_touches_conversion_event_id ON touches (conversion_event_id);
CREATE INDEX idx_touches_partner_campaign ON touches (partner_id, campaign_version_id);
CREATE INDEX idx_payouts_partner_id ON payouts (partner_id, created_at);
CREATE INDEX idx_funnel_journeys_partner_id ON funnel_journeys (partner_id);

-- Time-based indexes for reporting and retention
CREATE INDEX idx_clicks_clicked_at ON clicks (clicked_at);
CREATE INDEX idx_conversion_events_occurred_at ON conversion_events (occurred_at);
CREATE INDEX idx_touches_occurred_at ON touches (occurred_at);
CREATE INDEX idx_audit_logs_created_at ON audit_logs (created_at);

-- Status indexes for filtering
-- A campaign's applications by status (the vendor's approval queue).
CREATE INDEX idx_campaign_partners_status ON campaign_partners (campaign_version_id, status);
-- The approval job: pending conversions older than the hold period.
CREATE INDEX idx_conversion_events_status ON conversion_events (status, occurred_at);
CREATE INDEX idx_payouts_status ON payouts (status, created_at);
CREATE INDEX idx_cookies_expires_at ON cookies (expires_at);

-- Specialized indexes
CREATE INDEX idx_funnel_journeys_is_converted ON funnel_journeys (is_converted, last_event_at);
-- Erasure requests and lookups match emails case-insensitively.
CREATE INDEX idx_leads_email ON leads (lower(email));
CREATE INDEX idx_audit_logs_entity ON audit_logs (entity_type, entity_id);
CREATE INDEX idx_touches_lead_campaign ON touches (lead_id, campaign_version_id);

-- Further foreign keys: without these, deleting an old click, cookie or lead (retention, GDPR)
-- scans every referencing table.
CREATE INDEX idx_conversion_events_click_id ON conversion_events (click_id);
CREATE INDEX idx_conversion_events_cookie_id ON conversion_events (cookie_id);
CREATE INDEX idx_conversion_events_lead_id ON conversion_events (lead_id);
CREATE INDEX idx_touches_click_id ON touches (click_id);
CREATE INDEX idx_touches_cookie_id ON touches (cookie_id);
CREATE INDEX idx_cookies_first_click_id ON cookies (first_click_id);
CREATE INDEX idx_cookies_last_click_id ON cookies (last_click_id);
CREATE INDEX idx_vendor_users_vendor_id ON vendor_users (vendor_id);
CREATE INDEX idx_partner_links_campaign_partner_id ON partner_links (campaign_partner_id);
CREATE INDEX idx_payout_events_conversion_event_id ON payout_events (conversion_event_id);
CREATE INDEX idx_event_commission_snapshots_conversion_event_id ON event_commission_snapshots (conversion_event_id);
CREATE INDEX idx_campaign_tiers_campaign_version_id ON campaign_tiers (campaign_version_id);
CREATE INDEX idx_partner_campaign_overrides_campaign_version_id ON partner_campaign_overrides (campaign_version_id);
CREATE INDEX idx_integration_event_mappings_integration_id ON integration_event_mappings (integration_id);
CREATE INDEX idx_campaign_milestones_campaign_version_id ON campaign_milestones (campaign_version_id);
