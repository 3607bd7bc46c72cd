-- Reference data every installation needs. Idempotent: a row that already exists (matched on its
-- unique name) is left as it is, so an operator's edits survive.
--
-- Default commissions (used only when no override, rule, tier or campaign default applies):
-- revenue events (sale, subscription, upgrade) pay 10 percent of the event value, acquisition
-- events (signup, trial_start, lead_form) pay a flat 1.00. click, page_view, refund and dispute
-- are tracked but never earn: refund and dispute are the events that take commission back.

INSERT INTO conversion_event_types
  (name, display_name, description, is_commissionable, default_commission_type, default_commission_value, sort_order)
VALUES
  ('click', 'Link Click', 'A visitor followed a partner link.', FALSE, NULL, NULL, 10),
  ('page_view', 'Page View', 'A tracked page was viewed.', FALSE, NULL, NULL, 20),
  ('signup', 'User Signup', 'A visitor created an account.', TRUE, 'flat', 1.00, 30),
  ('trial_start', 'Trial Started', 'A free trial began.', TRUE, 'flat', 1.00, 40),
  ('sale', 'Completed Sale', 'A purchase was completed.', TRUE, 'percentage', 10.00, 50),
  ('subscription', 'Subscription', 'A paid subscription started.', TRUE, 'percentage', 10.00, 60),
  ('upgrade', 'Plan Upgrade', 'A customer moved to a higher plan.', TRUE, 'percentage', 10.00, 70),
  ('lead_form', 'Lead Form Submitted', 'A lead form was submitted.', TRUE, 'flat', 1.00, 80),
  ('refund', 'Refund', 'A sale was refunded, fully or partly. Reduces or reverses its commission.', FALSE, NULL, NULL, 90),
  ('dispute', 'Dispute', 'A payment was disputed (chargeback). Reverses its commission.', FALSE, NULL, NULL, 100)
ON CONFLICT (name) DO NOTHING;

-- Provider configs hold no secrets: credentials come from the deployment's secret store.
INSERT INTO payment_providers (name, display_name, is_active, config)
VALUES
  ('paypal', 'PayPal', TRUE, '{"api_mode": "live", "fee_percentage": 2.9, "fee_fixed": 0.30}'::jsonb),
  ('stripe', 'Stripe', TRUE, '{"api_mode": "live"}'::jsonb),
  ('wire', 'Bank Wire', TRUE, '{"manual_processing": true, "requires_review": true}'::jsonb)
ON CONFLICT (name) DO NOTHING;
