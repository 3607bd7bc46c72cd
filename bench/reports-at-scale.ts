// Over 300 lines: one bench (the report queries, their EXPLAIN wrapper, index checks and timing) that its test also imports; split, the wrapper and the query list would drift apart.
/**
 * Reports at scale: the product's own report and payout queries on a generated dataset
 * (bench/scale/generate-scale-data.ts, 10M clicks / 1M conversions by default), each EXPLAINed
 * (ANALYZE, BUFFERS, FORMAT JSON) to list the indexes its plan uses and timed N times.
 *
 * The queries are the repositories' functions themselves, not copies: an executor wrapper prefixes
 * `EXPLAIN (...)` to whatever statement the function sends, so the text explained is exactly the
 * text the API runs. The payout run writes, so it runs (and is explained) in a transaction that
 * is rolled back.
 *
 * Exit 1 when a plan does not use its expected index. Timings are printed with their ratio to a
 * baseline measured in the same process (an indexed one-month `count(*)` of conversions), so
 * noisy, shared machines still compare.
 *
 * Run: `DATABASE_URL=postgres://.../scale_reports npx tsx bench/reports-at-scale.ts [--runs=15]`
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createPgExecutor } from '../functions/adapters/sql/pg-executor.js';
import type { QueryResult, SqlExecutor, SqlParams, SqlRow } from '../functions/ports/sql-executor.js';
import { partnerDashboard } from '../functions/repositories/partners/enrollments.js';
import { runPayoutStatement } from '../functions/repositories/payouts/payouts.js';
import { funnelStages, funnelSummary, topPartners } from '../functions/repositories/reports.js';
import { SCALE_NOW } from './scale/generate-scale-data.js';

/** Realistic parameters picked from the data: a heavy partner, a typical campaign, a month. */
export interface ScaleParameters {
  heavyPartnerId: number;
  vendorId: number;
  campaignId: number;
  /** The top-partners month: inclusive bounds, as the route builds them from `from=YYYY-MM-DD&to=YYYY-MM-DD`. */
  from: Date;
  to: Date;
  /** The payout run's period [start, end) and its clock. */
  payoutStart: string;
  payoutEnd: string;
  payoutNow: string;
}

export interface ReportQuery {
  name: string;
  /** What the plan must use: every one of these index names. */
  expectedIndexes: string[];
  /**
   * Named indexes a plan may use instead of `expectedIndexes` on a small (CI-sized) dataset, where
   * the planner rightly finds them cheaper; the full-scale bench accepts only `expectedIndexes`.
   */
  smallScaleAlternatives?: string[];
  /** Runs the product function; returns the rows it produced. */
  run(sql: SqlExecutor, p: ScaleParameters): Promise<number>;
  /** Statements that write run in a transaction that is rolled back. */
  writes?: boolean;
}

export const REPORT_QUERIES: ReportQuery[] = [
  {
    name: 'partner dashboard',
    expectedIndexes: ['idx_campaign_partners_partner_id'],
    run: async (sql, p) => (await partnerDashboard(sql, p.heavyPartnerId)).length,
  },
  {
    name: 'top partners (month)',
    expectedIndexes: ['idx_conversion_events_campaign_version_id'],
    // With ~850 conversions a month (20k over two years), the month is ~17 heap pages in time order:
    // reading it all through the time index is as cheap as the campaign's range.
    smallScaleAlternatives: ['idx_conversion_events_occurred_at'],
    run: async (sql, p) => (await topPartners(sql, { vendor_id: p.vendorId, campaign_id: p.campaignId, from: p.from, to: p.to })).length,
  },
  {
    name: 'funnel (stages + summary)',
    expectedIndexes: ['idx_funnel_journeys_campaign_version_id'],
    run: async (sql, p) => {
      const scope = { vendor_id: p.vendorId, campaign_id: p.campaignId };
      const stages = await funnelStages(sql, scope);
      await funnelSummary(sql, scope);
      return stages.length;
    },
  },
  {
    name: 'payout generation (run)',
    expectedIndexes: ['idx_conversion_events_status', 'idx_touches_conversion_event_id', 'idx_payout_events_conversion_event_id'],
    writes: true,
    run: async (sql, p) =>
      (await runPayoutStatement(sql, { startDate: p.payoutStart, endDate: p.payoutEnd, now: p.payoutNow, minimum: '50.00', currency: 'USD' })).rows.length,
  },
];

/** The baseline every timing is divided by: an indexed range count over one month of conversions. */
export const BASELINE: ReportQuery = {
  name: 'baseline: count(*) of a month (idx_conversion_events_occurred_at)',
  expectedIndexes: ['idx_conversion_events_occurred_at'],
  run: async (sql, p) => {
    const { rows } = await sql.query<{ n: number }>(
      `SELECT count(*)::integer AS n FROM conversion_events WHERE occurred_at >= :from::timestamptz AND occurred_at < :to::timestamptz`,
      { from: p.from, to: p.to },
    );
    return rows[0]?.n ?? 0;
  },
};

/** A tiny primary-key lookup: the cost of one round trip, printed for scale. */
export const ROUND_TRIP: ReportQuery = {
  name: 'round trip: one conversion by primary key',
  expectedIndexes: ['conversion_events_pkey'],
  run: async (sql) => (await sql.query(`SELECT conversion_event_id FROM conversion_events WHERE conversion_event_id = :id::bigint`, { id: 1 })).rows.length,
};

/** Picks the heavy partner (most clicks over its enrollments) and the median campaign by conversions. */
export async function pickParameters(sql: SqlExecutor): Promise<ScaleParameters> {
  const { rows: heavy } = await sql.query<{ partner_id: number }>(
    `SELECT partner_id FROM campaign_partners GROUP BY partner_id ORDER BY sum(total_clicks) DESC, partner_id LIMIT 1`,
  );
  const { rows: campaigns } = await sql.query<{ campaign_id: number; vendor_id: number }>(
    `SELECT c.campaign_id, c.vendor_id FROM campaigns c
     JOIN campaign_versions cv ON cv.campaign_id = c.campaign_id
     JOIN campaign_partners cp ON cp.campaign_version_id = cv.campaign_version_id
     GROUP BY c.campaign_id, c.vendor_id ORDER BY sum(cp.total_conversions), c.campaign_id`,
  );
  const typical = campaigns[Math.floor(campaigns.length / 2)];
  if (!heavy[0] || !typical) throw new Error('reports-at-scale: no generated data (run bench/scale/generate-scale-data.ts first)');
  const now = new Date(SCALE_NOW);
  const month = (offset: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
  return {
    heavyPartnerId: heavy[0].partner_id,
    vendorId: typical.vendor_id,
    campaignId: typical.campaign_id,
    // Three months back: conversions approved and paid out since (the common case of a past month).
    from: month(-3),
    to: new Date(month(-2).getTime() - 1),
    payoutStart: month(-1).toISOString(),
    payoutEnd: month(0).toISOString(),
    payoutNow: new Date(month(0).getTime() + 6 * 3_600_000).toISOString(),
  };
}

type PlanNode = { 'Node Type'?: string; 'Index Name'?: string; Plans?: PlanNode[]; [key: string]: unknown };

export interface ExplainResult {
  /** One plan per statement the function sent. */
  plans: PlanNode[];
  /** Every index any of the plans scans, sorted, without repeats. */
  indexes: string[];
  /** Execution time PostgreSQL reports (sum over the statements), ms. */
  executionMs: number;
  sharedHitBlocks: number;
  sharedReadBlocks: number;
}

/** Every index a plan (tree) scans: Index Scan, Index Only Scan, Bitmap Index Scan, ... */
export function indexesOf(node: PlanNode, into = new Set<string>()): Set<string> {
  if (typeof node['Index Name'] === 'string') into.add(node['Index Name']);
  for (const child of node.Plans ?? []) indexesOf(child, into);
  return into;
}

/**
 * An executor that EXPLAINs every statement the function sends. EXPLAIN ANALYZE executes the
 * statement; a read is then run once more for its rows, so a function that reads before it reads
 * again (top partners: versions, then conversions) follows its real path. A write is not repeated
 * (its rows come back empty).
 */
function explainingExecutor(inner: SqlExecutor, sink: Array<Record<string, unknown>>, writes: boolean): SqlExecutor {
  return {
    async query<Row extends SqlRow = SqlRow>(text: string, params?: SqlParams): Promise<QueryResult<Row>> {
      // A setting (the payout run's `SET LOCAL jit = off`) has no plan: it is applied, not explained.
      if (/^\s*SET\s/i.test(text)) return inner.query<Row>(text, params);
      const { rows } = await inner.query<{ 'QUERY PLAN': Array<Record<string, unknown>> }>(
        `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${text}`,
        params,
      );
      const plan = rows[0]?.['QUERY PLAN'];
      if (plan?.[0]) sink.push(plan[0]);
      return writes ? { rows: [], rowCount: 0 } : inner.query<Row>(text, params);
    },
    transaction: (work) => inner.transaction((tx) => work(explainingExecutor(tx, sink, writes))),
  };
}

class Rollback extends Error {}

/** Runs `work` in a transaction that is always rolled back (for statements that write). */
async function rolledBack<T>(sql: SqlExecutor, work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
  let result: T | undefined;
  try {
    await sql.transaction(async (tx) => {
      result = await work(tx);
      throw new Rollback('rolled back on purpose');
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  return result as T;
}

async function execute<T>(sql: SqlExecutor, query: ReportQuery, work: (sql: SqlExecutor) => Promise<T>): Promise<T> {
  return query.writes ? rolledBack(sql, work) : work(sql);
}

export async function explainReport(sql: SqlExecutor, query: ReportQuery, p: ScaleParameters): Promise<ExplainResult> {
  const explained: Array<Record<string, unknown>> = [];
  await execute(sql, query, (s) => query.run(explainingExecutor(s, explained, query.writes === true), p));
  const plans = explained.map((e) => e.Plan as PlanNode);
  const indexes = new Set<string>();
  for (const plan of plans) indexesOf(plan, indexes);
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  return {
    plans,
    indexes: [...indexes].sort(),
    executionMs: explained.reduce((sum, e) => sum + num(e['Execution Time']), 0),
    sharedHitBlocks: plans.reduce((sum, plan) => sum + num(plan['Shared Hit Blocks']), 0),
    sharedReadBlocks: plans.reduce((sum, plan) => sum + num(plan['Shared Read Blocks']), 0),
  };
}

export interface Timing {
  rows: number;
  medianMs: number;
  p95Ms: number;
}

export async function timeReport(sql: SqlExecutor, query: ReportQuery, p: ScaleParameters, runs: number): Promise<Timing> {
  let rows = 0;
  const samples: number[] = [];
  // Two warm-up runs: the first timing of a cold cache says more about the disk than the query.
  for (let i = 0; i < runs + 2; i += 1) {
    const t = performance.now();
    rows = await execute(sql, query, (s) => query.run(s, p));
    if (i >= 2) samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)] ?? 0;
  return { rows, medianMs: at(0.5), p95Ms: at(0.95) };
}

/** The expected indexes the plan does not use (none missing when a small-scale alternative is used and allowed). */
export function missingIndexes(query: ReportQuery, explained: ExplainResult, options: { smallScale?: boolean } = {}): string[] {
  const missing = query.expectedIndexes.filter((name) => !explained.indexes.includes(name));
  const alternative = options.smallScale && (query.smallScaleAlternatives ?? []).some((name) => explained.indexes.includes(name));
  return alternative ? [] : missing;
}

function arg(name: string, fallback: number): number {
  const found = process.argv.find((a) => a.startsWith(`--${name}=`));
  const n = found ? Number(found.slice(name.length + 3)) : fallback;
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
  return n;
}

async function main(): Promise<number> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('reports-at-scale: set DATABASE_URL to a database filled by bench/scale/generate-scale-data.ts');
    return 1;
  }
  const runs = arg('runs', 15);
  const sql = createPgExecutor({ connectionString: url, max: 1 });
  try {
    const p = await pickParameters(sql);
    const { rows: sizes } = await sql.query<{ clicks: number; conversions: number; size: string }>(
      `SELECT (SELECT count(*) FROM clicks)::integer AS clicks, (SELECT count(*) FROM conversion_events)::integer AS conversions,
              pg_size_pretty(pg_database_size(current_database())) AS size`,
    );
    const s = sizes[0]!;
    console.log(`reports-at-scale: ${s.clicks} clicks, ${s.conversions} conversions, database ${s.size}; ${runs} runs each after 2 warm-ups`);
    console.log(
      `parameters: heavy partner ${p.heavyPartnerId}; campaign ${p.campaignId} (vendor ${p.vendorId}); month ${p.from.toISOString().slice(0, 10)}..${p.to.toISOString().slice(0, 10)}; payout period ${p.payoutStart.slice(0, 10)}..${p.payoutEnd.slice(0, 10)}`,
    );
    const baseline = await timeReport(sql, BASELINE, p, runs);
    const roundTrip = await timeReport(sql, ROUND_TRIP, p, runs);
    let failed = false;
    const figures: string[] = [];
    const line = (name: string, t: Timing, indexes: string[], note = '') =>
      console.log(
        `${name.padEnd(66)} rows ${String(t.rows).padStart(6)}  median ${t.medianMs.toFixed(2).padStart(9)} ms  p95 ${t.p95Ms.toFixed(2).padStart(9)} ms  ` +
          `x${(t.medianMs / baseline.medianMs).toFixed(2).padStart(8)} baseline  ${indexes.join(', ')}${note}`,
      );
    for (const q of [BASELINE, ROUND_TRIP]) {
      const explained = await explainReport(sql, q, p);
      line(q.name, q === BASELINE ? baseline : roundTrip, explained.indexes);
    }
    for (const query of REPORT_QUERIES) {
      const explained = await explainReport(sql, query, p);
      const missing = missingIndexes(query, explained);
      const timing = await timeReport(sql, query, p, runs);
      if (missing.length > 0) failed = true;
      line(query.name, timing, explained.indexes, missing.length > 0 ? `  MISSING ${missing.join(', ')}` : '');
      figures.push(`${query.name}: ${timing.medianMs.toFixed(1)} ms (x${(timing.medianMs / baseline.medianMs).toFixed(1)})`);
    }
    console.log(`[figures] reports at scale (${s.clicks} clicks, ${s.conversions} conversions, ${s.size}): baseline ${baseline.medianMs.toFixed(1)} ms; ${figures.join('; ')}`);
    if (failed) console.error('reports-at-scale: a plan does not use its expected index (MISSING above)');
    return failed ? 1 : 0;
  } finally {
    await sql.close();
  }
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
