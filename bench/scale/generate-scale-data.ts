// Over 300 lines: one deterministic, set-based generator of the whole reporting dataset; its steps share the same session settings and index rebuild.
/**
 * Generates a reporting-scale dataset into an EMPTY, migrated PostgreSQL database: vendors,
 * campaigns, partners, enrollments and links, then `clicks` clicks over two years (skewed: a
 * power law over links, repeat visitors), their cookies and funnel journeys, `conversions`
 * conversions (~1 in 10 clicks) with statuses by age, touches that sum to each commission, and
 * completed monthly payouts with their payout_events for every paid conversion. Everything is
 * set-based SQL (generate_series, INSERT ... SELECT) and deterministic (md5 of the row number, no
 * random()), so two runs with the same sizes produce the same rows.
 *
 * Consistency with the schema: every CHECK and unique constraint holds (the unique indexes are
 * rebuilt at the end, which would fail otherwise) and the operator's reconciliation query
 * (functions/repositories/payouts/reconciliation.ts) returns no rows. Foreign keys are satisfied by
 * construction; their triggers are skipped while loading (`session_replication_role = replica`,
 * as pg_restore does), and the secondary indexes of the big tables are dropped and rebuilt from
 * their own definitions (pg_indexes), the usual bulk-load practice: loading 10M rows through
 * seven live btrees is several times slower.
 *
 * Run: `SCALE_CLICKS=10000000 SCALE_CONVERSIONS=1000000 DATABASE_URL=... npx tsx bench/scale/generate-scale-data.ts`
 * (defaults 10M / 1M). The database must be migrated (`npm run migrate`) and hold no clicks.
 */
import { pathToFileURL } from 'node:url';
import pg from 'pg';

/** The generated world's "now": conversions approve 30 days after they occur, monthly payouts paid up to September. */
export const SCALE_NOW = '2026-11-01T00:00:00Z';

export interface GenerateScaleOptions {
  connectionString: string;
  clicks: number;
  conversions: number;
  log?: (line: string) => void;
}

export interface GenerateScaleResult {
  seconds: number;
  steps: Array<{ step: string; seconds: number }>;
  counts: Record<string, number>;
  databaseBytes: number;
}

/** Tables whose non-constraint indexes are dropped during the load and rebuilt after it. */
const BULK_TABLES = ['clicks', 'cookies', 'funnel_journeys', 'conversion_events', 'touches', 'payouts', 'payout_events', 'campaign_partners', 'partner_links', 'partner_payment_methods'];

/** Four independent uniform numbers in [0, 1) per md5: u(m, 0..3). */
const HELPERS = [
  `CREATE FUNCTION pg_temp.u(m text, k integer) RETURNS double precision LANGUAGE sql IMMUTABLE
     AS $$ SELECT ('x' || substr(m, 8 * k + 1, 8))::bit(32)::bigint / 4294967296.0 $$`,
  // Time-ordered UUIDs (48-bit prefix, like UUIDv7), so the unique btrees on them grow at the right edge.
  `CREATE FUNCTION pg_temp.ordered_uuid(prefix bigint, salt text) RETURNS uuid LANGUAGE sql IMMUTABLE
     AS $$ SELECT (lpad(to_hex(prefix), 12, '0') || substr(md5(salt), 1, 20))::uuid $$`,
];

export async function generateScaleData(options: GenerateScaleOptions): Promise<GenerateScaleResult> {
  const { clicks: C, conversions: V } = options;
  if (!Number.isSafeInteger(C) || !Number.isSafeInteger(V) || C < 1000 || V < 100 || V > C / 2) {
    throw new Error(`scale: need integers clicks >= 1000 and 100 <= conversions <= clicks / 2 (got ${C}, ${V})`);
  }
  const log = options.log ?? (() => undefined);
  const client = new pg.Client({ connectionString: options.connectionString, options: '-c TimeZone=UTC' });
  await client.connect();
  const steps: Array<{ step: string; seconds: number }> = [];
  const started = Date.now();
  const step = async (name: string, statements: string[]) => {
    const t = Date.now();
    for (const s of statements) await client.query(s);
    const seconds = (Date.now() - t) / 1000;
    steps.push({ step: name, seconds });
    log(`${name}: ${seconds.toFixed(1)} s`);
  };
  const dropped: Array<{ name: string; def: string }> = [];
  try {
    const { rows: existing } = await client.query<{ n: string }>('SELECT count(*)::text AS n FROM (SELECT 1 FROM clicks LIMIT 1) x');
    if (existing[0]!.n !== '0') throw new Error('scale: the database already holds clicks; generate into a fresh, migrated database');

    const vendors = Math.max(3, Math.min(12, Math.round(V / 2000)));
    const campaignsPerVendor = 4;
    const partners = Math.max(50, Math.round(V / 20));
    const T = `TIMESTAMP '${SCALE_NOW.replace('T', ' ').replace('Z', '')}'`;
    const chunk = 1_000_000;

    await step('session', [
      `SET session_replication_role = replica`,
      `SET synchronous_commit = off`,
      `SET maintenance_work_mem = '512MB'`,
      `SET work_mem = '128MB'`,
      `SET max_parallel_workers_per_gather = 0`,
      ...HELPERS,
    ]);

    const { rows: indexes } = await client.query<{ name: string; def: string }>(
      `SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
       WHERE i.schemaname = 'public' AND i.tablename = ANY($1::text[])
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = format('%I', i.indexname)::regclass)`,
      [BULK_TABLES],
    );
    for (const index of indexes) {
      await client.query(`DROP INDEX ${quoteIdent(index.name)}`);
      dropped.push(index);
    }

    await step('catalog: vendors, campaigns, partners, payment methods, enrollments, links', [
      `INSERT INTO vendors (vendor_id, name, email, company_name, website_url, status, created_at, updated_at)
       SELECT g, 'Scale Vendor ' || g, 'vendor' || g || '@scale.example', 'Scale Vendor ' || g || ' Inc.',
              'https://vendor' || g || '.scale.example', 'active', ${T} - INTERVAL '800 days', ${T} - INTERVAL '800 days'
       FROM generate_series(1, ${vendors}) g`,
      `INSERT INTO campaigns (campaign_id, vendor_id, status, created_at, updated_at)
       SELECT g, 1 + (g - 1) / ${campaignsPerVendor}, 'active', ${T} - INTERVAL '790 days', ${T} - INTERVAL '790 days'
       FROM generate_series(1, ${vendors * campaignsPerVendor}) g`,
      // Every third campaign splits credit linearly (multi-touch); the rest are last click.
      `INSERT INTO campaign_versions (campaign_version_id, campaign_id, version_number, name, destination_url,
              default_commission_type, default_commission_value, cookie_duration_days, attribution_model, approval_hold_days,
              created_at, updated_at)
       SELECT g, g, 1, 'Scale campaign ' || g, 'https://vendor' || (1 + (g - 1) / ${campaignsPerVendor}) || '.scale.example/p/' || g,
              'percentage', 10.00, 30, CASE WHEN g % 3 = 0 THEN 'linear' ELSE 'last_click' END, 30,
              ${T} - INTERVAL '790 days', ${T} - INTERVAL '790 days'
       FROM generate_series(1, ${vendors * campaignsPerVendor}) g`,
      `UPDATE campaigns SET current_campaign_version_id = campaign_id`,
      `INSERT INTO partners (partner_id, name, email, status, tier, created_at, updated_at)
       SELECT g, 'Scale Partner ' || g, 'partner' || g || '@scale.example', 'active',
              (ARRAY['standard','standard','standard','bronze','silver','gold','platinum'])[1 + (g % 7)],
              ${T} - INTERVAL '780 days', ${T} - INTERVAL '780 days'
       FROM generate_series(1, ${partners}) g`,
      // 99 % of partners have a default method, 98 % of those verified: the rest are skipped by payout
      // runs, so their approved conversions accumulate (as they would).
      `INSERT INTO partner_payment_methods (partner_payment_method_id, partner_id, payment_provider_id, provider_account_id,
              is_default, is_verified, verified_at, created_at, updated_at)
       SELECT p, p, (SELECT payment_provider_id FROM payment_providers ORDER BY payment_provider_id OFFSET (p % 3) LIMIT 1),
              'acct_' || p, TRUE, pg_temp.u(md5('pm' || p), 1) < 0.98, ${T} - INTERVAL '770 days', ${T} - INTERVAL '770 days', ${T} - INTERVAL '770 days'
       FROM generate_series(1, ${partners}) p
       WHERE pg_temp.u(md5('pm' || p), 0) < 0.99`,
      // One to three enrollments per partner, popular campaigns more often (squared uniform).
      `INSERT INTO campaign_partners (campaign_version_id, partner_id, status, applied_at, approved_at, rejected_at, created_at, updated_at)
       SELECT DISTINCT ON (cv, p) cv, p,
              CASE WHEN r < 0.92 THEN 'approved' WHEN r < 0.96 THEN 'pending' WHEN r < 0.99 THEN 'rejected' ELSE 'removed' END,
              ${T} - INTERVAL '760 days', CASE WHEN r < 0.92 THEN ${T} - INTERVAL '759 days' END,
              CASE WHEN r >= 0.96 AND r < 0.99 THEN ${T} - INTERVAL '759 days' END,
              ${T} - INTERVAL '760 days', ${T} - INTERVAL '760 days'
       FROM (
         SELECT p, 1 + floor(${vendors * campaignsPerVendor} * pg_temp.u(m, k) ^ 2)::integer AS cv, pg_temp.u(m, 3) AS r
         FROM generate_series(1, ${partners}) p, LATERAL (SELECT md5('cp' || p) AS m) h, generate_series(0, 2) k
         WHERE k <= floor(3 * pg_temp.u(m, 0) ^ 2)
       ) x
       ORDER BY cv, p`,
      `INSERT INTO partner_links (partner_link_id, campaign_partner_id, short_code, full_url, link_label, created_at)
       SELECT cp.campaign_partner_id, cp.campaign_partner_id, 'sc' || to_hex(cp.campaign_partner_id), cv.destination_url, 'main',
              ${T} - INTERVAL '758 days'
       FROM campaign_partners cp JOIN campaign_versions cv ON cv.campaign_version_id = cp.campaign_version_id`,
      // Links that take clicks (approved enrollments), in a hash order: n = 1 is the heaviest.
      `CREATE TEMP TABLE scale_links AS
       SELECT row_number() OVER (ORDER BY md5('ln' || pl.partner_link_id))::integer AS n, pl.partner_link_id, cp.campaign_partner_id,
              cp.partner_id, cp.campaign_version_id, c.vendor_id
       FROM partner_links pl JOIN campaign_partners cp ON cp.campaign_partner_id = pl.campaign_partner_id
       JOIN campaign_versions cv ON cv.campaign_version_id = cp.campaign_version_id JOIN campaigns c ON c.campaign_id = cv.campaign_id
       WHERE cp.status = 'approved'`,
      `ALTER TABLE scale_links ADD PRIMARY KEY (n)`,
    ]);
    const { rows: linkCount } = await client.query<{ n: number }>('SELECT count(*)::integer AS n FROM scale_links');
    const L = linkCount[0]!.n;

    // Click i happens at a fixed pace over 730 days (so ids and times grow together). Clicks with
    // i % 10 in 6..9 are repeat visits of a cookie first seen at an earlier click j (j % 10 = 0,
    // up to ~30,000 clicks before): 3 in 4 through the same link, else through another link.
    const clickStatements: string[] = [];
    for (let from = 1; from <= C; from += chunk) {
      const to = Math.min(C, from + chunk - 1);
      clickStatements.push(`
        INSERT INTO clicks (click_id, partner_link_id, cookie_id, ip_address, user_agent, referrer_url, utm_source, utm_medium,
                            country_code, device_type, browser, os, clicked_at, click_uuid, visitor_hash, vendor_id, partner_id, campaign_version_id)
        SELECT i, l.partner_link_id, pg_temp.ordered_uuid(k, 'ck' || k),
               ('10.' || (k % 250) || '.' || ((k / 250) % 250) || '.0')::inet,
               (ARRAY['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36',
                      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Version/17.4 Mobile/15E148 Safari/604.1',
                      'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 Version/17.4 Safari/605.1.15',
                      'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/124.0 Mobile Safari/537.36'])[1 + (k % 4)::integer],
               (ARRAY['https://www.google.com/', 'https://t.co/', NULL, 'https://www.youtube.com/'])[1 + (i % 4)::integer],
               (ARRAY['newsletter', 'blog', 'social', 'video'])[1 + l.n % 4], 'affiliate',
               (ARRAY['US', 'US', 'GB', 'DE', 'FR', 'CA'])[1 + (k % 6)::integer],
               (ARRAY['desktop', 'mobile', 'desktop', 'mobile'])[1 + (k % 4)::integer],
               (ARRAY['Chrome', 'Mobile Safari', 'Safari', 'Chrome'])[1 + (k % 4)::integer],
               (ARRAY['Windows', 'iOS', 'macOS', 'Android'])[1 + (k % 4)::integer],
               t, pg_temp.ordered_uuid((extract(epoch FROM t) * 1000)::bigint, 'cl' || i), md5('vh' || k),
               l.vendor_id, l.partner_id, l.campaign_version_id
        FROM (
          SELECT i, k, t,
                 1 + floor(${L} * pg_temp.u(CASE WHEN k <> i AND pg_temp.u(m, 2) < 0.75 THEN md5(k::text) ELSE m END, 1) ^ 3)::integer AS n
          FROM (
            SELECT i, m, ${T} - INTERVAL '730 days' + (i * (730.0 * 86400 / ${C}))::double precision * INTERVAL '1 second' AS t,
                   CASE WHEN i % 10 >= 6 AND i > 30010 THEN i - i % 10 - 10 * floor(pg_temp.u(m, 0) * 3000)::bigint ELSE i END AS k
            FROM generate_series(${from}::bigint, ${to}::bigint) i, LATERAL (SELECT md5(i::text) AS m) h
          ) a
        ) b
        JOIN scale_links l ON l.n = b.n`);
    }
    await step(`clicks (${C})`, clickStatements);

    await step('cookies and conversion plan', [
      `CREATE TEMP TABLE scale_cookies AS
       SELECT cookie_id, min(click_id) AS first_click_id, max(click_id) AS last_click_id, count(*)::integer AS clicks,
              min(clicked_at) AS first_at, max(clicked_at) AS last_at
       FROM clicks GROUP BY cookie_id`,
      `INSERT INTO cookies (cookie_id, first_click_id, last_click_id, first_partner_id, last_partner_id, last_campaign_version_id,
                            user_fingerprint, expires_at, last_seen_at, created_at, updated_at)
       SELECT s.cookie_id, s.first_click_id, s.last_click_id, f.partner_id, l.partner_id, l.campaign_version_id, NULL,
              s.last_at + INTERVAL '30 days', s.last_at, s.first_at, s.last_at
       FROM scale_cookies s JOIN clicks f ON f.click_id = s.first_click_id JOIN clicks l ON l.click_id = s.last_click_id
       ORDER BY s.cookie_id`,
      // Conversion k converts one click in its 1/V slice of the timeline, exactly V of them.
      `CREATE TEMP TABLE scale_conversions AS
       SELECT k, c.click_id, c.cookie_id, c.partner_id, c.campaign_version_id, c.vendor_id, c.clicked_at,
              cv.attribution_model, m,
              CASE WHEN pg_temp.u(m, 1) < 0.85 THEN 'sale' WHEN pg_temp.u(m, 1) < 0.95 THEN 'signup' ELSE 'subscription' END AS type_name,
              LEAST(c.clicked_at + pg_temp.u(m, 2) * INTERVAL '3 days', ${T} - INTERVAL '1 minute') AS occurred_at,
              pg_temp.u(m, 3) AS r,
              EXISTS (SELECT 1 FROM partner_payment_methods pm WHERE pm.partner_id = c.partner_id AND pm.is_default AND pm.is_verified) AS payable
       FROM (
         SELECT k, m, LEAST(${C}, (k - 1) * ${C}::bigint / ${V} + 1 + floor(pg_temp.u(m, 0) * (${C}::bigint / ${V}))::bigint) AS click_id
         FROM generate_series(1, ${V}) k, LATERAL (SELECT md5('cv' || k) AS m) h
       ) x
       JOIN clicks c ON c.click_id = x.click_id
       JOIN campaign_versions cv ON cv.campaign_version_id = c.campaign_version_id`,
      // Values in cents; status by age: rejected 6 %, pending in the 30-day hold, approved when approved
      // in October (the next payout run's period) or when the partner cannot be paid, else paid.
      `CREATE TEMP TABLE scale_conversion_rows AS
       SELECT s.*, t.conversion_event_type_id,
              CASE s.type_name WHEN 'sale' THEN 1000 + floor(49000 * pg_temp.u(md5('v' || s.k), 0) ^ 2)::bigint
                               WHEN 'subscription' THEN (ARRAY[999, 2900, 9900])[1 + (s.k % 3)::integer] ELSE 0 END AS value_cents,
              CASE WHEN s.r < 0.06 THEN 'rejected'
                   WHEN s.occurred_at + INTERVAL '30 days' >= ${T} THEN 'pending'
                   WHEN s.occurred_at + INTERVAL '30 days' >= ${T} - INTERVAL '1 month' OR NOT s.payable THEN 'approved'
                   ELSE 'paid' END AS status
       FROM scale_conversions s JOIN conversion_event_types t ON t.name = s.type_name`,
      `ALTER TABLE scale_conversion_rows ADD COLUMN commission_cents bigint`,
      `UPDATE scale_conversion_rows SET commission_cents = CASE WHEN status = 'rejected' THEN 0
                                                              WHEN type_name = 'signup' THEN 100
                                                              ELSE (value_cents * 10 + 50) / 100 END`,
      `CREATE INDEX ON scale_conversion_rows (cookie_id)`,
    ]);

    await step('funnel journeys', [
      `INSERT INTO funnel_journeys (funnel_journey_id, cookie_id, partner_id, campaign_version_id, journey_started_at, journey_completed_at,
                                    last_event_at, total_events, total_commission, furthest_stage_id, is_converted, created_at)
       SELECT row_number() OVER (ORDER BY s.cookie_id), s.cookie_id, f.partner_id, f.campaign_version_id, s.first_at, cv.completed_at,
              GREATEST(s.last_at, cv.completed_at), s.clicks + COALESCE(cv.n, 0), COALESCE(cv.commission_cents, 0) / 100.0,
              cv.stage, cv.n IS NOT NULL, s.first_at
       FROM scale_cookies s JOIN clicks f ON f.click_id = s.first_click_id
       LEFT JOIN (
         SELECT cookie_id, count(*)::integer AS n, max(occurred_at) AS completed_at, sum(commission_cents) AS commission_cents,
                (array_agg(conversion_event_type_id ORDER BY occurred_at DESC))[1] AS stage
         FROM scale_conversion_rows WHERE status <> 'rejected' GROUP BY cookie_id
       ) cv ON cv.cookie_id = s.cookie_id`,
    ]);

    await step(`conversions (${V}) and touches`, [
      `INSERT INTO conversion_events (conversion_event_id, conversion_event_type_id, click_id, cookie_id, partner_id, campaign_version_id,
              attribution_type, attribution_confidence, transaction_id, customer_id, event_value, commission_amount, commission_type,
              commission_value, status, occurred_at, recorded_at, approved_at, rejected_at, rejection_reason, metadata, funnel_journey_id,
              vendor_id, source, receipt_id, refunded_amount)
       SELECT s.k, s.conversion_event_type_id, s.click_id, s.cookie_id, s.partner_id, s.campaign_version_id,
              s.attribution_model, 'high', 'tx-' || s.k, 'cus_' || (s.k % 400000), s.value_cents / 100.0, s.commission_cents / 100.0,
              CASE WHEN s.type_name = 'signup' THEN 'flat' ELSE 'percentage' END, CASE WHEN s.type_name = 'signup' THEN 1.00 ELSE 10.00 END,
              s.status, s.occurred_at, s.occurred_at + INTERVAL '2 seconds',
              CASE WHEN s.status IN ('approved', 'paid') THEN s.occurred_at + INTERVAL '30 days' END,
              CASE WHEN s.status = 'rejected' THEN s.occurred_at + INTERVAL '10 days' END,
              CASE WHEN s.status = 'rejected' THEN 'refunded' END, '{}'::jsonb, j.funnel_journey_id,
              s.vendor_id, (ARRAY['api', 'stripe', 'shopify'])[1 + (s.k % 3)::integer], pg_temp.ordered_uuid(s.k, 'rc' || s.k),
              CASE WHEN s.status = 'rejected' THEN s.value_cents / 100.0 ELSE 0 END
       FROM scale_conversion_rows s JOIN funnel_journeys j ON j.cookie_id = s.cookie_id
       ORDER BY s.k`,
      // Last-click conversions: one touch holding the whole commission. Linear ones: half of them
      // were reached through two visits, split largest-remainder style (the last touch takes the odd cent).
      `INSERT INTO touches (conversion_event_id, click_id, cookie_id, partner_id, campaign_version_id, touch_type, touch_value,
                            attribution_type, attribution_confidence, metadata, occurred_at, recorded_at, created_at)
       SELECT s.k, s.click_id, s.cookie_id, s.partner_id, s.campaign_version_id, x.touch_type,
              CASE x.touch_type WHEN 'first' THEN (s.commission_cents / 2) / 100.0
                                WHEN 'last' THEN (s.commission_cents - s.commission_cents / 2) / 100.0
                                ELSE s.commission_cents / 100.0 END,
              s.attribution_model, 'high', jsonb_build_object('weight', '1'),
              s.clicked_at - CASE x.touch_type WHEN 'first' THEN INTERVAL '1 hour' ELSE INTERVAL '0' END,
              s.occurred_at + INTERVAL '2 seconds', s.occurred_at + INTERVAL '2 seconds'
       FROM scale_conversion_rows s
       CROSS JOIN LATERAL (
         SELECT unnest(CASE WHEN s.attribution_model = 'linear' AND s.k % 2 = 0 THEN ARRAY['first', 'last'] ELSE ARRAY['only'] END) AS touch_type
       ) x
       ORDER BY s.k`,
    ]);

    await step('payouts and payout events', [
      `INSERT INTO payouts (partner_id, partner_payment_method_id, amount, currency, payment_provider_id, provider_transaction_id,
                           status, start_date, end_date, created_at, processed_at, completed_at, idempotency_key, attempts)
       SELECT g.partner_id, pm.partner_payment_method_id, g.cents / 100.0, 'USD', pm.payment_provider_id,
              'scale_tx_' || g.partner_id || '_' || to_char(g.month, 'YYYYMM'), 'completed', g.month, g.month + INTERVAL '1 month',
              g.month + INTERVAL '1 month' + INTERVAL '1 hour', g.month + INTERVAL '1 month' + INTERVAL '2 hours',
              g.month + INTERVAL '1 month' + INTERVAL '1 day', 'scale-' || g.partner_id || '-' || to_char(g.month, 'YYYYMM'), 1
       FROM (
         SELECT partner_id, date_trunc('month', occurred_at + INTERVAL '30 days') AS month, sum(commission_cents) AS cents
         FROM scale_conversion_rows WHERE status = 'paid' GROUP BY 1, 2
       ) g
       JOIN partner_payment_methods pm ON pm.partner_id = g.partner_id AND pm.is_default
       ORDER BY g.month, g.partner_id`,
      `INSERT INTO payout_events (payout_id, conversion_event_id, commission_amount)
       SELECT p.payout_id, s.k, s.commission_cents / 100.0
       FROM scale_conversion_rows s
       JOIN payouts p ON p.partner_id = s.partner_id AND p.start_date = date_trunc('month', s.occurred_at + INTERVAL '30 days')
       WHERE s.status = 'paid'
       ORDER BY p.payout_id, s.k`,
    ]);

    await step('enrollment totals', [
      `UPDATE campaign_partners cp SET total_clicks = x.clicks, last_click_at = x.last_at
       FROM (SELECT pl.campaign_partner_id, count(*)::integer AS clicks, max(c.clicked_at) AS last_at
             FROM clicks c JOIN partner_links pl ON pl.partner_link_id = c.partner_link_id GROUP BY pl.campaign_partner_id) x
       WHERE x.campaign_partner_id = cp.campaign_partner_id`,
      `UPDATE campaign_partners cp SET total_conversions = x.n, total_revenue = x.revenue, total_commission_earned = x.commission,
              last_conversion_at = x.last_at
       FROM (SELECT partner_id, campaign_version_id, count(*)::integer AS n, sum(value_cents) / 100.0 AS revenue,
                    sum(commission_cents) / 100.0 AS commission, max(occurred_at) AS last_at
             FROM scale_conversion_rows WHERE status <> 'rejected' GROUP BY 1, 2) x
       WHERE x.partner_id = cp.partner_id AND x.campaign_version_id = cp.campaign_version_id`,
    ]);

    const rebuild: string[] = dropped.map((d) => d.def);
    dropped.length = 0;
    await step(`rebuild ${rebuild.length} indexes`, rebuild);

    await step('sequences, temp tables, ANALYZE', [
      ...['vendors', 'campaigns', 'campaign_versions', 'partners', 'partner_payment_methods', 'campaign_partners', 'partner_links',
        'clicks', 'funnel_journeys', 'conversion_events', 'touches', 'payouts'].map(
        (t) => `SELECT setval(pg_get_serial_sequence('${t}', '${idColumn(t)}'), GREATEST((SELECT max(${idColumn(t)}) FROM ${t}), 1))`,
      ),
      `DROP TABLE scale_links, scale_cookies, scale_conversions, scale_conversion_rows`,
      `RESET session_replication_role`,
      // VACUUM sets the visibility map, so index-only scans need no heap visit (autovacuum would, later).
      `VACUUM ANALYZE`,
    ]);

    const countRows: Array<{ t: string; n: number }> = [];
    for (const t of [...BULK_TABLES, 'vendors', 'partners', 'campaigns'].sort()) {
      const { rows } = await client.query<{ n: number }>(`SELECT count(*)::integer AS n FROM ${t}`);
      countRows.push({ t, n: rows[0]!.n });
    }
    const { rows: size } = await client.query<{ bytes: string }>('SELECT pg_database_size(current_database())::text AS bytes');
    return {
      seconds: (Date.now() - started) / 1000,
      steps,
      counts: Object.fromEntries(countRows.map((r) => [r.t, r.n])),
      databaseBytes: Number(size[0]!.bytes),
    };
  } finally {
    // A failed load still gets its indexes back, so the database keeps the migrated shape.
    for (const d of dropped) await client.query(d.def).catch(() => undefined);
    await client.end();
  }
}

function idColumn(table: string): string {
  const special: Record<string, string> = { campaign_partners: 'campaign_partner_id', partner_payment_methods: 'partner_payment_method_id', partner_links: 'partner_link_id', campaign_versions: 'campaign_version_id', funnel_journeys: 'funnel_journey_id', conversion_events: 'conversion_event_id', touches: 'touch_id' };
  return special[table] ?? `${table.replace(/s$/, '')}_id`;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isSafeInteger(n)) throw new Error(`${name} must be an integer, got ${raw}`);
  return n;
}

async function main(): Promise<number> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('generate-scale-data: set DATABASE_URL to a fresh database migrated with `npm run migrate`');
    return 1;
  }
  const clicks = intFromEnv('SCALE_CLICKS', 10_000_000);
  const conversions = intFromEnv('SCALE_CONVERSIONS', 1_000_000);
  const result = await generateScaleData({ connectionString: url, clicks, conversions, log: (l) => console.log(`scale: ${l}`) });
  console.log(`scale: rows ${JSON.stringify(result.counts)}`);
  console.log(
    `[figures] scale data: ${clicks} clicks, ${conversions} conversions generated in ${result.seconds.toFixed(0)} s; database ${(result.databaseBytes / 1024 ** 3).toFixed(2)} GB`,
  );
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
