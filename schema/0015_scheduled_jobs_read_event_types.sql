-- The hold-period job approves conversions and tells each vendor (`conversion.approved`). Its notice
-- is the same document as every other conversion notice, event type name included, so the job's
-- role reads the event-type catalogue (names only; it never writes it).
GRANT SELECT ON conversion_event_types TO affiliate_scheduled_jobs;
