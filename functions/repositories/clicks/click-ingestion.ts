// Over 300 lines: one set-based statement per click batch and the reasons it converges under any delivery order, kept beside each other.
/**
 * Writes a batch of clicks into Aurora, set-based, in ONE statement (autocommit for the consumer: one
 * Data API call a batch; joining the caller's transaction when there is one):
 *
 * - The batch travels as one `:batch::jsonb` parameter (`jsonb_to_recordset`). Clicks are inserted
 *   `ON CONFLICT (click_uuid) DO NOTHING RETURNING`, so a redelivered click changes nothing. Owners
 *   (partner, campaign version, vendor) are taken from Aurora's own link rows, not from the
 *   message; a click whose link Aurora does not know is reported back, not inserted. A click the
 *   redirect filtered (`filter_reason`, e.g. `velocity`) is inserted with its reason and no cookie
 *   (it creates none), so floods are countable by reason in SQL.
 * - Only for the counted rows actually inserted: cookies (first and last click and partner, last
 *   campaign version, `expires_at` = max, `last_seen_at`), inserted complete when new, the cookie's
 *   `funnel_journeys` row (created from its first click if missing, click events merged into
 *   `events_sequence` in time order, `total_events`, `last_event_at`) and
 *   `campaign_partners.total_clicks` / `last_click_at`.
 *
 * One statement, not an insert then an update: foreign keys are checked at the end of the
 * statement, so a new cookie can point at the click inserted beside it, and the batch is parsed
 * and joined once (bench/README.md has the figures).
 *
 * Convergence: first/last are the earliest and latest of the cookie's stored first and last click
 * and the batch's clicks, ordered by (clicked_at, click_uuid); the journey's primary partner moves to an earlier click when one arrives late;
 * `events_sequence` is kept sorted by timestamp; totals only add rows that were inserted and
 * maxima use GREATEST. So any delivery order, with any duplicates, ends in the same rows. Two
 * consumers creating or updating the same cookie at once: the second waits for the first's commit,
 * then finds the row it updates is not the one its snapshot read (its first and last would miss
 * the first consumer's clicks); alone, its statement then fails whole and runs again on a fresh
 * snapshot; in a caller's transaction, a second statement recomputes the cookie's first and last
 * click.
 *
 * Every statement runs unchanged on PGlite, PostgreSQL 15 and the Data API (named parameters,
 * explicit casts, TIMESTAMP columns written as UTC).
 */
import type { ClickMessage } from '../../domain/clicks/click-message.js';
import type { SqlExecutor } from '../../ports/sql-executor.js';

/** The text of the error the statement raises on a raced cookie when it runs alone. */
const RACED_COOKIE = 'click ingestion raced on cookie';

const INGEST_CLICKS = `
WITH batch AS (
  SELECT b.*
  FROM jsonb_to_recordset(:batch::jsonb) AS b(
    click_id uuid, cookie_id uuid, partner_link_id integer, clicked_at timestamptz,
    cookie_expires_at timestamptz, ip_address inet, visitor_hash text, user_agent text,
    referrer_url text, utm_source text, utm_medium text, utm_campaign text, utm_content text,
    utm_term text, country_code text, device_type text, browser text, os text, filter_reason text
  )
),
known AS (
  SELECT batch.*, cp.partner_id, cp.campaign_version_id, cp.campaign_partner_id, c.vendor_id
  FROM batch
  JOIN partner_links pl ON pl.partner_link_id = batch.partner_link_id
  JOIN campaign_partners cp ON cp.campaign_partner_id = pl.campaign_partner_id
  JOIN campaign_versions cv ON cv.campaign_version_id = cp.campaign_version_id
  JOIN campaigns c ON c.campaign_id = cv.campaign_id
),
inserted AS (
  INSERT INTO clicks (
    click_uuid, partner_link_id, cookie_id, ip_address, user_agent, referrer_url,
    utm_source, utm_medium, utm_campaign, utm_content, utm_term, country_code, device_type,
    browser, os, clicked_at, visitor_hash, vendor_id, partner_id, campaign_version_id, filter_reason
  )
  SELECT
    -- A filtered click belongs to no cookie: its cookie id was never set on the browser.
    click_id, partner_link_id, CASE WHEN filter_reason IS NULL THEN cookie_id END, ip_address, user_agent, referrer_url,
    utm_source, utm_medium, utm_campaign, utm_content, utm_term, country_code, device_type,
    browser, os, clicked_at AT TIME ZONE 'UTC', visitor_hash, vendor_id, partner_id, campaign_version_id, filter_reason
  FROM known
  -- A stable order: two consumers inserting overlapping batches wait on each other, not deadlock.
  ORDER BY click_id
  ON CONFLICT (click_uuid) DO NOTHING
  RETURNING click_id AS id, click_uuid, cookie_id, partner_id, campaign_version_id, partner_link_id, clicked_at, filter_reason
),
counted AS (
  SELECT i.id, i.click_uuid, i.cookie_id, i.partner_id, i.campaign_version_id, i.partner_link_id, i.clicked_at,
         k.campaign_partner_id, k.cookie_expires_at AT TIME ZONE 'UTC' AS cookie_expires_at
  FROM inserted i JOIN known k ON k.click_id = i.click_uuid
  WHERE i.filter_reason IS NULL
),
batch_cookies AS (
  SELECT cookie_id, max(cookie_expires_at) AS expires_at, max(clicked_at) AS last_seen_at
  FROM counted
  GROUP BY cookie_id
),
-- A cookie's first and last click among its stored clicks and the batch. The stored cookie already
-- points at its first and last click, so two lookups by key stand for all its earlier clicks; only
-- a cookie missing a pointer (created by a conversion, or its click deleted by retention) reads
-- all its clicks. The statement's snapshot does not see the clicks inserted above: they come from
-- \`counted\`.
candidates AS (
  SELECT cookie_id, id, click_uuid, clicked_at, partner_id, campaign_version_id FROM counted
  UNION ALL
  SELECT k.cookie_id, c.click_id, c.click_uuid, c.clicked_at, c.partner_id, c.campaign_version_id
  FROM batch_cookies b
  JOIN cookies k ON k.cookie_id = b.cookie_id
  -- Per cookie, only one branch runs: its conditions on k are tested before any click is read.
  CROSS JOIN LATERAL (
    SELECT s.click_id, s.click_uuid, s.clicked_at, s.partner_id, s.campaign_version_id, s.is_deleted
    FROM clicks s
    WHERE k.first_click_id IS NOT NULL AND k.last_click_id IS NOT NULL AND s.click_id IN (k.first_click_id, k.last_click_id)
    UNION ALL
    SELECT s.click_id, s.click_uuid, s.clicked_at, s.partner_id, s.campaign_version_id, s.is_deleted
    FROM clicks s
    WHERE (k.first_click_id IS NULL OR k.last_click_id IS NULL) AND s.cookie_id = k.cookie_id
  ) c
  WHERE c.is_deleted IS NOT TRUE
),
first_clicks AS (
  SELECT DISTINCT ON (cookie_id) cookie_id, id, partner_id
  FROM candidates
  ORDER BY cookie_id, clicked_at, click_uuid
),
last_clicks AS (
  SELECT DISTINCT ON (cookie_id) cookie_id, id, partner_id, campaign_version_id
  FROM candidates
  ORDER BY cookie_id, clicked_at DESC, click_uuid DESC
),
-- New cookies are inserted complete (the foreign keys to their clicks are checked at the end of
-- the statement, after the clicks above), existing ones updated in the same pass.
upserted_cookies AS (
  INSERT INTO cookies (
    cookie_id, first_click_id, first_partner_id, last_click_id, last_partner_id, last_campaign_version_id, expires_at, last_seen_at
  )
  SELECT b.cookie_id, f.id, f.partner_id, l.id, l.partner_id, l.campaign_version_id, b.expires_at, b.last_seen_at
  FROM batch_cookies b
  JOIN first_clicks f ON f.cookie_id = b.cookie_id
  JOIN last_clicks l ON l.cookie_id = b.cookie_id
  ORDER BY b.cookie_id
  ON CONFLICT (cookie_id) DO UPDATE
  -- The row being updated is not the one this statement's snapshot read (another consumer created
  -- or updated it meanwhile, and waited here for its commit): the first and last computed above
  -- miss that consumer's clicks. The pointer is left empty and the cookie reported as raced below.
  SET first_click_id = CASE WHEN cookies.xmin IS DISTINCT FROM (SELECT s.xmin FROM cookies s WHERE s.cookie_id = EXCLUDED.cookie_id)
                            THEN NULL ELSE EXCLUDED.first_click_id END,
      first_partner_id = EXCLUDED.first_partner_id,
      last_click_id = EXCLUDED.last_click_id,
      last_partner_id = EXCLUDED.last_partner_id,
      last_campaign_version_id = EXCLUDED.last_campaign_version_id,
      expires_at = GREATEST(cookies.expires_at, EXCLUDED.expires_at),
      last_seen_at = GREATEST(cookies.last_seen_at, EXCLUDED.last_seen_at),
      updated_at = NOW()
  -- Every cookie of the batch has a first click (its own), so an empty one is the raced mark.
  RETURNING cookie_id, first_click_id IS NULL AS raced
),
journey_clicks AS (
  SELECT
    cookie_id,
    (array_agg(partner_id ORDER BY clicked_at, click_uuid))[1] AS partner_id,
    (array_agg(campaign_version_id ORDER BY clicked_at, click_uuid))[1] AS campaign_version_id,
    min(clicked_at) AS started_at,
    max(clicked_at) AS last_event_at,
    count(*)::integer AS events,
    jsonb_agg(
      jsonb_build_object(
        'type', 'click',
        'click_id', click_uuid,
        'partner_id', partner_id,
        'campaign_version_id', campaign_version_id,
        'partner_link_id', partner_link_id,
        'timestamp', to_char(clicked_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
      )
      ORDER BY clicked_at, click_uuid
    ) AS events_sequence
  FROM counted
  GROUP BY cookie_id
),
upserted_journeys AS (
  INSERT INTO funnel_journeys (
    cookie_id, partner_id, campaign_version_id, journey_started_at, last_event_at, total_events, events_sequence
  )
  SELECT cookie_id, partner_id, campaign_version_id, started_at, last_event_at, events, events_sequence
  FROM journey_clicks
  ORDER BY cookie_id
  ON CONFLICT (cookie_id) DO UPDATE
  SET partner_id = CASE WHEN EXCLUDED.journey_started_at < funnel_journeys.journey_started_at
                        THEN EXCLUDED.partner_id ELSE funnel_journeys.partner_id END,
      campaign_version_id = CASE WHEN EXCLUDED.journey_started_at < funnel_journeys.journey_started_at
                                 THEN EXCLUDED.campaign_version_id ELSE funnel_journeys.campaign_version_id END,
      journey_started_at = LEAST(funnel_journeys.journey_started_at, EXCLUDED.journey_started_at),
      last_event_at = GREATEST(funnel_journeys.last_event_at, EXCLUDED.last_event_at),
      total_events = COALESCE(funnel_journeys.total_events, 0) + EXCLUDED.total_events,
      -- The sequence is kept in time order (then type, then click id). The usual case, a batch
      -- later than everything stored, is an append; a late click is merged where it happened.
      events_sequence = CASE
        WHEN COALESCE(jsonb_array_length(funnel_journeys.events_sequence), 0) = 0 THEN EXCLUDED.events_sequence
        WHEN funnel_journeys.events_sequence -> -1 ->> 'timestamp' < EXCLUDED.events_sequence -> 0 ->> 'timestamp'
          THEN funnel_journeys.events_sequence || EXCLUDED.events_sequence
        ELSE (
          SELECT jsonb_agg(merged.event ORDER BY merged.event ->> 'timestamp', merged.event ->> 'type', merged.event ->> 'click_id')
          FROM (
            SELECT jsonb_array_elements(funnel_journeys.events_sequence) AS event
            UNION ALL
            SELECT jsonb_array_elements(EXCLUDED.events_sequence)
          ) AS merged
        ) END
  RETURNING funnel_journey_id
),
partner_totals AS (
  SELECT campaign_partner_id, count(*)::integer AS clicks, max(clicked_at) AS last_click_at
  FROM counted
  GROUP BY campaign_partner_id
),
locked_enrollments AS (
  -- Locked in id order so concurrent consumers never deadlock on shared enrollments.
  SELECT cp.campaign_partner_id
  FROM campaign_partners cp JOIN partner_totals t ON t.campaign_partner_id = cp.campaign_partner_id
  ORDER BY cp.campaign_partner_id
  FOR UPDATE OF cp
),
updated_enrollments AS (
  UPDATE campaign_partners cp
  SET total_clicks = COALESCE(cp.total_clicks, 0) + t.clicks,
      last_click_at = GREATEST(cp.last_click_at, t.last_click_at),
      updated_at = NOW()
  FROM partner_totals t
  JOIN locked_enrollments l ON l.campaign_partner_id = t.campaign_partner_id
  WHERE cp.campaign_partner_id = t.campaign_partner_id
  RETURNING cp.campaign_partner_id
)
SELECT click_uuid::text AS click_id, CASE WHEN filter_reason IS NULL THEN 'inserted' ELSE 'filtered' END AS outcome FROM inserted
UNION ALL
SELECT batch.click_id::text, 'unknown_link'
FROM batch
WHERE NOT EXISTS (SELECT 1 FROM known WHERE known.click_id = batch.click_id)
UNION ALL
-- A cookie another consumer created or updated while this statement ran: its clicks were not in
-- this statement's snapshot. Alone (autocommit), the statement fails here, undoing all of it, and
-- runs again on a snapshot that holds the other consumer's commit (\`RACED_COOKIE\`); inside a
-- caller's transaction, the next statement recomputes the cookie instead (\`:fail_on_race\` false).
SELECT u.cookie_id::text,
       CASE WHEN :fail_on_race::boolean THEN CAST('${RACED_COOKIE} ' || u.cookie_id::text AS integer)::text ELSE 'raced_cookie' END
FROM upserted_cookies u
WHERE u.raced
`;

/** First and last click of the given cookies from all their clicks (the rare race above). */
const RECOMPUTE_COOKIE_ENDS = `
WITH first_clicks AS (
  SELECT DISTINCT ON (c.cookie_id) c.cookie_id, c.click_id, c.partner_id
  FROM clicks c
  WHERE c.cookie_id = ANY(:cookies::uuid[]) AND c.is_deleted IS NOT TRUE
  ORDER BY c.cookie_id, c.clicked_at, c.click_uuid
),
last_clicks AS (
  SELECT DISTINCT ON (c.cookie_id) c.cookie_id, c.click_id, c.partner_id, c.campaign_version_id
  FROM clicks c
  WHERE c.cookie_id = ANY(:cookies::uuid[]) AND c.is_deleted IS NOT TRUE
  ORDER BY c.cookie_id, c.clicked_at DESC, c.click_uuid DESC
)
UPDATE cookies k
SET first_click_id = f.click_id,
    first_partner_id = f.partner_id,
    last_click_id = l.click_id,
    last_partner_id = l.partner_id,
    last_campaign_version_id = l.campaign_version_id,
    updated_at = NOW()
FROM first_clicks f JOIN last_clicks l ON l.cookie_id = f.cookie_id
WHERE k.cookie_id = f.cookie_id
`;

export interface IngestClickBatchResult {
  /** Click ids written by this call (counted and filtered). */
  inserted: string[];
  /** The part of `inserted` the redirect filtered (`filter_reason`): no cookie, journey or total. */
  filtered: string[];
  /** Click ids already in Aurora (redeliveries): nothing changed for them. */
  duplicates: string[];
  /** Click ids whose link Aurora does not know: not written, to be retried then dead-lettered. */
  unknownLink: string[];
}

function batchRow(click: ClickMessage): Record<string, unknown> {
  return {
    click_id: click.click_id,
    cookie_id: click.cookie_id,
    partner_link_id: click.partner_link_id,
    clicked_at: click.clicked_at,
    cookie_expires_at: click.cookie_expires_at,
    ip_address: click.ip_address,
    visitor_hash: click.visitor_hash,
    user_agent: click.user_agent,
    referrer_url: click.referrer_url,
    utm_source: click.utm_source,
    utm_medium: click.utm_medium,
    utm_campaign: click.utm_campaign,
    utm_content: click.utm_content,
    utm_term: click.utm_term,
    country_code: click.country_code,
    device_type: click.device_type,
    browser: click.browser,
    os: click.os,
    filter_reason: click.filter_reason ?? null,
  };
}

/** Runs of a batch alone whose cookies keep racing before the error goes to the caller (SQS then redelivers the batch). */
const RACE_ATTEMPTS = 3;

function isRacedCookie(error: unknown): boolean {
  return error instanceof Error && error.message.includes(RACED_COOKIE);
}

/**
 * Ingests validated clicks (distinct click ids) in one statement.
 *
 * Alone (the consumer, `inTransaction` false): the statement runs in autocommit, atomic on its
 * own, so a batch is one Data API call (not BeginTransaction, ExecuteStatement, CommitTransaction).
 * On the rare raced cookie it fails as a whole and runs again, and the retry sees the other
 * consumer's committed cookie and clicks: nothing is committed in between, so no crash or error
 * can leave the cookie pointing at the wrong clicks.
 *
 * Inside a caller's transaction (`inTransaction` true: a conversion writing the clicks it needs):
 * the statement joins it, and a raced cookie is recomputed by a second statement in the same
 * transaction (a failed statement would abort the caller's whole transaction).
 */
export async function ingestClickBatch({
  sql,
  clicks,
  inTransaction = false,
}: {
  sql: SqlExecutor;
  clicks: readonly ClickMessage[];
  inTransaction?: boolean;
}): Promise<IngestClickBatchResult> {
  if (clicks.length === 0) return { inserted: [], filtered: [], duplicates: [], unknownLink: [] };
  // JSON text cast in the statement: a JS array would bind as a SQL array, not as jsonb.
  const params = { batch: JSON.stringify(clicks.map(batchRow)), fail_on_race: !inTransaction };
  type Row = { click_id: string; outcome: 'inserted' | 'filtered' | 'unknown_link' | 'raced_cookie' };
  let rows: Row[] | undefined;
  for (let attempt = 1; rows === undefined; attempt += 1) {
    try {
      rows = (await sql.query<Row>(INGEST_CLICKS, params)).rows;
    } catch (error) {
      if (inTransaction || !isRacedCookie(error) || attempt >= RACE_ATTEMPTS) throw error;
    }
  }
  const counted = new Set<string>();
  const filtered = new Set<string>();
  const unknownLink = new Set<string>();
  const racedCookies: string[] = [];
  for (const row of rows) {
    if (row.outcome === 'raced_cookie') racedCookies.push(row.click_id);
    else (row.outcome === 'inserted' ? counted : row.outcome === 'filtered' ? filtered : unknownLink).add(row.click_id);
  }
  // Only inside a transaction: a new statement sees the other consumer's committed clicks (read committed).
  if (racedCookies.length > 0) await sql.query(RECOMPUTE_COOKIE_ENDS, { cookies: racedCookies });
  const inserted = new Set([...counted, ...filtered]);
  const duplicates = clicks.map((click) => click.click_id).filter((id) => !inserted.has(id) && !unknownLink.has(id));
  return { inserted: [...inserted], filtered: [...filtered], duplicates, unknownLink: [...unknownLink] };
}
