/**
 * The payout run at scale: the real payout statement (`runPayoutStatement`, every currency, in a
 * transaction rolled back after each run) against a bare `GROUP BY partner` over the same
 * approved, unpaid credits (their touches), timed alternately in the same process on the same
 * generated dataset (bench/scale/generate-scale-data.ts: 1M conversions, 50,000 partners of
 * which ~20,000 hold approved, unpaid credits in the period). Prints the medians and the ratio
 * (the goal is at most 3x), every run's time, and a profile of one run under EXPLAIN ANALYZE: the
 * statement's CTEs and the foreign-key checks of the rows it inserts.
 *
 *   SCALE_CLICKS=2000000 SCALE_CONVERSIONS=1000000 DATABASE_URL=postgres://.../scale npx tsx bench/scale/generate-scale-data.ts
 *   DATABASE_URL=postgres://.../scale npx tsx bench/payout-run.ts [--runs=5]
 */
import { createPgExecutor } from '../functions/adapters/sql/pg-executor.js';
import type { QueryResult, SqlExecutor, SqlParams, SqlRow } from '../functions/ports/sql-executor.js';
import { runPayoutStatement } from '../functions/repositories/payouts/payouts.js';
import { pickParameters } from './reports-at-scale.js';

function arg(name: string, fallback: number): number {
  const found = process.argv.find((value) => value.startsWith(`--${name}=`));
  return found ? Number(found.split('=')[1]) : fallback;
}

/** The baseline: each partner's approved, unpaid touches summed, per currency; nothing else. */
export const BARE_GROUP_BY = `
SELECT t.partner_id, ce.currency, SUM(t.touch_value) AS amount
FROM conversion_events ce
JOIN touches t ON t.conversion_event_id = ce.conversion_event_id
WHERE ce.status = 'approved' AND ce.is_deleted IS NOT TRUE AND t.is_deleted IS NOT TRUE
  AND ce.approved_at < :end_date::timestamptz
GROUP BY t.partner_id, ce.currency`;

class Rollback extends Error {}

/** The baseline under the same settings as the payout statement (JIT off, 64 MB work_mem), read-only. */
async function bareGroupBy(sql: SqlExecutor, endDate: string): Promise<number> {
  return sql.transaction(async (tx) => {
    await tx.query(`SET LOCAL jit = off`);
    await tx.query(`SET LOCAL work_mem = '64MB'`);
    return (await tx.query(BARE_GROUP_BY, { end_date: endDate })).rows.length;
  });
}

async function timed(work: () => Promise<number>): Promise<{ ms: number; rows: number }> {
  const started = performance.now();
  const rows = await work();
  return { ms: performance.now() - started, rows };
}

async function rolledBack(sql: SqlExecutor, work: (tx: SqlExecutor) => Promise<number>): Promise<number> {
  let rows = 0;
  try {
    await sql.transaction(async (tx) => {
      rows = await work(tx);
      throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  return rows;
}

type PlanNode = { 'Subplan Name'?: string; 'Actual Total Time'?: number; 'Actual Rows'?: number; Plans?: PlanNode[] };
type ExplainedStatement = {
  Plan: PlanNode;
  'Execution Time': number;
  Triggers?: Array<{ 'Trigger Name': string; 'Constraint Name'?: string; Relation: string; Time: number; Calls: number }>;
};

/** An executor that runs each statement under EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) and keeps the plans; settings pass through. */
function explaining(inner: SqlExecutor, sink: ExplainedStatement[]): SqlExecutor {
  return {
    async query<Row extends SqlRow = SqlRow>(text: string, params?: SqlParams): Promise<QueryResult<Row>> {
      if (/^\s*SET\s/i.test(text)) return inner.query<Row>(text, params);
      const { rows } = await inner.query<{ 'QUERY PLAN': ExplainedStatement[] }>(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${text}`, params);
      const plan = rows[0]?.['QUERY PLAN'][0];
      if (plan) sink.push(plan);
      return { rows: [], rowCount: 0 };
    },
    transaction: (work) => inner.transaction((tx) => work(explaining(tx, sink))),
  };
}

/**
 * Where the statement's time goes: one run under EXPLAIN ANALYZE (rolled back), its CTEs and its
 * foreign-key triggers. A CTE's time is inclusive (it includes the CTEs it reads, evaluated as it
 * reads them) and EXPLAIN's per-row timing inflates everything by a fifth or so: read it as shares.
 */
async function printProfile(sql: SqlExecutor, run: (tx: SqlExecutor) => Promise<unknown>, bareMs: () => Promise<number>): Promise<void> {
  const sink: ExplainedStatement[] = [];
  await rolledBack(sql, async (tx) => {
    await run(explaining(tx, sink));
    return 0;
  });
  const statement = sink[0];
  if (!statement) return;
  const ms = (value: number) => `${value.toFixed(0).padStart(5)} ms`;
  console.log(`profile (EXPLAIN ANALYZE, one run each): payout statement ${ms(statement['Execution Time'])}, bare GROUP BY ${ms(await bareMs())}`);
  for (const node of statement.Plan.Plans ?? []) {
    if (!node['Subplan Name']?.startsWith('CTE ')) continue;
    console.log(`  ${node['Subplan Name'].padEnd(24)} ${ms(node['Actual Total Time'] ?? 0)} (inclusive)  rows ${node['Actual Rows'] ?? 0}`);
  }
  for (const trigger of statement.Triggers ?? []) {
    console.log(`  ${(trigger['Constraint Name'] ?? trigger['Trigger Name']).padEnd(48)} ${ms(trigger.Time)}  calls ${trigger.Calls}`);
  }
  const triggers = (statement.Triggers ?? []).reduce((sum, t) => sum + t.Time, 0);
  console.log(`  foreign-key checks of the inserted rows: ${ms(triggers)} of ${ms(statement['Execution Time'])}`);
}

/** The bare baseline's own EXPLAIN ANALYZE execution time, under the same settings. */
async function explainBare(sql: SqlExecutor, endDate: string): Promise<number> {
  return sql.transaction(async (tx) => {
    await tx.query(`SET LOCAL jit = off`);
    await tx.query(`SET LOCAL work_mem = '64MB'`);
    const { rows } = await tx.query<{ 'QUERY PLAN': ExplainedStatement[] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${BARE_GROUP_BY}`, { end_date: endDate });
    return rows[0]?.['QUERY PLAN'][0]?.['Execution Time'] ?? 0;
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL: a database generated by bench/scale/generate-scale-data.ts');
const sql = createPgExecutor({ connectionString: url });
try {
  const p = await pickParameters(sql);
  const runs = arg('runs', 5);
  const bare: number[] = [];
  const payout: number[] = [];
  let bareRows = 0;
  let payoutRows = 0;
  // Warm both once (caches), then alternate so drift on a shared machine hits both alike.
  await bareGroupBy(sql, p.payoutEnd);
  await rolledBack(sql, async (tx) => (await runPayoutStatement(tx, { startDate: p.payoutStart, endDate: p.payoutEnd, now: p.payoutNow, minimum: '50.00' })).rows.length);
  for (let i = 0; i < runs; i++) {
    const b = await timed(() => bareGroupBy(sql, p.payoutEnd));
    const r = await timed(() => rolledBack(sql, async (tx) => (await runPayoutStatement(tx, { startDate: p.payoutStart, endDate: p.payoutEnd, now: p.payoutNow, minimum: '50.00' })).rows.length));
    bare.push(b.ms);
    payout.push(r.ms);
    bareRows = b.rows;
    payoutRows = r.rows;
  }
  const ratio = median(payout) / median(bare);
  console.log(`bare GROUP BY partner: median ${median(bare).toFixed(0)} ms (${bareRows} partner-currency rows)`);
  console.log(`payout run statement:  median ${median(payout).toFixed(0)} ms (${payoutRows} partner-currency rows, rolled back)`);
  console.log(`ratio ${ratio.toFixed(2)} (goal <= 3; ${runs} runs each, alternating)`);
  console.log(`bare runs ${bare.map((v) => v.toFixed(0)).join(' ')} ms; payout runs ${payout.map((v) => v.toFixed(0)).join(' ')} ms`);
  await printProfile(
    sql,
    (tx) => runPayoutStatement(tx, { startDate: p.payoutStart, endDate: p.payoutEnd, now: p.payoutNow, minimum: '50.00' }),
    () => explainBare(sql, p.payoutEnd),
  );
} finally {
  await sql.close?.();
}
