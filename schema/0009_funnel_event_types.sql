-- Funnel stages the data dictionary's journey example names beside page_view: add_to_cart, tracked
-- for the funnel report and never commissionable (docs/campaign-edits-and-events.md). Its
-- sort_order puts it after page_view (20) and before the commissionable stages, so a journey's
-- furthest_stage_id reads in funnel order. Idempotent like 0005: an operator's edits survive.

INSERT INTO conversion_event_types
  (name, display_name, description, is_commissionable, default_commission_type, default_commission_value, sort_order)
VALUES
  ('add_to_cart', 'Add to Cart', 'A product was added to the cart (funnel stage, never earns).', FALSE, NULL, NULL, 25)
ON CONFLICT (name) DO NOTHING;
