-- A notice's unsubscribe token keeps the address it stops; the retention job deletes tokens by age
-- (`RETENTION_UNSUBSCRIBE_LINKS_DAYS`, a year by default: docs/privacy-and-retention.md). The
-- opt-outs themselves stay: they are what keeps the address from getting more notices.
CREATE INDEX IF NOT EXISTS idx_email_unsubscribe_tokens_created_at ON email_unsubscribe_tokens (created_at);

GRANT SELECT, DELETE ON email_unsubscribe_tokens TO affiliate_retention;
