-- The funnel report (functions/repositories/reports.ts funnelStages / funnelSummary) reads one
-- campaign's journeys. The dictionary names no funnel_journeys index by campaign version
-- (idx_funnel_journeys_partner_id and idx_funnel_journeys_is_converted cannot serve it), so at
-- scale the report scanned every journey (one per cookie: millions). The INCLUDE columns are the
-- ones the two funnel queries read, so the report is an index-only scan.
CREATE INDEX idx_funnel_journeys_campaign_version_id
  ON funnel_journeys (campaign_version_id)
  INCLUDE (furthest_stage_id, is_converted, is_deleted, journey_started_at, journey_completed_at);
