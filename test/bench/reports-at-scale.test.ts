/**
 * CI-sized reports at scale: a bounded generated dataset (200,000 clicks / 20,000 conversions by
 * default; `SCALE_TEST_CLICKS` / `SCALE_TEST_CONVERSIONS` for more) in a fresh PostgreSQL 15
 * database, plus a tiny hand-made slice whose answers are known. Asserts that each report's plan
 * uses its named index (the same check as bench/reports-at-scale.ts, with the same product
 * functions), that the results on the slice are exact, and that the generated books reconcile.
 * No timing assertions: the figures come from the bench.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlExecutor } from '../../functions/ports/sql-executor.js';
import { partnerDashboard } from '../../functions/repositories/partners/enrollments.js';
import { runPayoutStatement } from '../../functions/repositories/payouts/payouts.js';
import { runReconciliation } from '../../functions/repositories/payouts/reconciliation.js';
import { funnelStages, funnelSummary, topPartners } from '../../functions/repositories/reports.js';
import {
  BASELINE,
  REPORT_QUERIES,
  explainReport,
  missingIndexes,
  pickParameters,
  type ScaleParameters,
} from '../../bench/reports-at-scale.js';
import { generateScaleData, type GenerateScaleResult } from '../../bench/scale/generate-scale-data.js';
import { createTestDatabase, isPostgresReachable, postgresServerUrl, type TestDatabase } from '../support/database/test-database.js';
import { reportFigures } from '../support/report-figures.js';

const reachable = await isPostgresReachable(postgresServerUrl);

type PlanNode = { 'Node Type'?: string; 'Relation Name'?: string; Plans?: PlanNode[] };
function seqScansOf(node: PlanNode): string[] {
  const own = node['Node Type'] === 'Seq Scan' && node['Relation Name'] ? [node['Relation Name']] : [];
  return [...own, ...(node.Plans ?? []).flatMap((child) => seqScansOf(child))];
}
const clicks = Number(process.env.SCALE_TEST_CLICKS ?? 200_000);
const conversions = Number(process.env.SCALE_TEST_CONVERSIONS ?? 20_000);

interface Slice {
  vendorId: number;
  campaignId: number;
  versionId: number;
  alpha: number;
  beta: number;
  alphaEnrollment: number;
}

/**
 * The known slice: vendor "Known", one campaign, partners Alpha and Beta. August 2026:
 * Alpha $100.00 paid + $50.00 approved (+ $80.00 pending, excluded), Beta $120.00 approved
 * (+ $500.00 rejected, excluded; + $999.00 paid on July 31st, outside the month). Alpha also has
 * $600.00 approved in September: the October payout run owes Alpha $5.00 + $60.00 = $65.00, and
 * Beta $12.00 (below the $50.00 minimum).
 */
async function seedSlice(sql: SqlExecutor): Promise<Slice> {
  return sql.transaction(async (tx) => {
    const one = async (text: string, params: Record<string, string | number | null> = {}) =>
      Number(Object.values((await tx.query(text, params)).rows[0] ?? {})[0]);
    const vendorId = await one(`INSERT INTO vendors (name, email) VALUES ('Known', 'known@slice.example') RETURNING vendor_id`);
    const campaignId = await one(`INSERT INTO campaigns (vendor_id) VALUES (:v::integer) RETURNING campaign_id`, { v: vendorId });
    const versionId = await one(
      `INSERT INTO campaign_versions (campaign_id, version_number, name, destination_url, default_commission_type, default_commission_value)
       VALUES (:c::integer, 1, 'Known campaign', 'https://known.example/', 'percentage', 10.00) RETURNING campaign_version_id`,
      { c: campaignId },
    );
    await tx.query(`UPDATE campaigns SET current_campaign_version_id = :cv::integer WHERE campaign_id = :c::integer`, { cv: versionId, c: campaignId });
    const alpha = await one(`INSERT INTO partners (name, email, status, tier) VALUES ('Known Alpha', 'alpha@slice.example', 'active', 'gold') RETURNING partner_id`);
    const beta = await one(`INSERT INTO partners (name, email, status) VALUES ('Known Beta', 'beta@slice.example', 'active') RETURNING partner_id`);
    const methods: Record<number, number> = {};
    for (const p of [alpha, beta]) {
      methods[p] = await one(
        `INSERT INTO partner_payment_methods (partner_id, payment_provider_id, provider_account_id, is_default, is_verified)
         VALUES (:p::integer, (SELECT payment_provider_id FROM payment_providers WHERE name = 'paypal'), :acct, TRUE, TRUE)
         RETURNING partner_payment_method_id`,
        { p, acct: `known-${p}` },
      );
    }
    const alphaEnrollment = await one(
      `INSERT INTO campaign_partners (campaign_version_id, partner_id, status, approved_at, total_clicks, total_conversions, total_revenue,
                                      total_commission_earned, last_conversion_at)
       VALUES (:cv::integer, :p::integer, 'approved', '2026-07-01', 40, 3, 750.00, 75.00, '2026-09-15') RETURNING campaign_partner_id`,
      { cv: versionId, p: alpha },
    );
    await tx.query(`INSERT INTO campaign_partners (campaign_version_id, partner_id, status) VALUES (:cv::integer, :p::integer, 'approved')`, { cv: versionId, p: beta });

    const conversion = async (tx_id: string, partner: number, value: string, commission: string, status: string, occurred: string, approved: string | null) => {
      const id = await one(
        `INSERT INTO conversion_events (conversion_event_type_id, partner_id, campaign_version_id, vendor_id, attribution_type, transaction_id,
                                        event_value, commission_amount, commission_type, commission_value, status, occurred_at, approved_at)
         VALUES ((SELECT conversion_event_type_id FROM conversion_event_types WHERE name = 'sale'), :p::integer, :cv::integer, :v::integer,
                 'last_click', :tx, :value::numeric, :commission::numeric, 'percentage', 10.00, :status, :occurred::timestamptz, :approved::timestamptz)
         RETURNING conversion_event_id`,
        { p: partner, cv: versionId, v: vendorId, tx: tx_id, value, commission, status, occurred, approved },
      );
      await tx.query(
        `INSERT INTO touches (conversion_event_id, partner_id, campaign_version_id, touch_type, touch_value, attribution_type, occurred_at)
         VALUES (:id::bigint, :p::integer, :cv::integer, 'only', :commission::numeric, 'last_click', :occurred::timestamptz)`,
        { id, p: partner, cv: versionId, commission, occurred },
      );
      return id;
    };
    const paidPayout = async (partner: number, start: string, end: string, ids: Array<[number, string]>) => {
      const total = ids.reduce((sum, [, c]) => sum + BigInt(c.replace('.', '')), 0n);
      const payout = await one(
        `INSERT INTO payouts (partner_id, partner_payment_method_id, amount, payment_provider_id, status, start_date, end_date, completed_at)
         VALUES (:p::integer, :m::integer, :amount::numeric, (SELECT payment_provider_id FROM payment_providers WHERE name = 'paypal'),
                 'completed', :start::timestamptz, :end::timestamptz, :end::timestamptz)
         RETURNING payout_id`,
        { p: partner, m: methods[partner]!, amount: `${total / 100n}.${String(total % 100n).padStart(2, '0')}`, start, end },
      );
      for (const [id, c] of ids) {
        await tx.query(`INSERT INTO payout_events (payout_id, conversion_event_id, commission_amount) VALUES (:p::integer, :c::bigint, :a::numeric)`, { p: payout, c: id, a: c });
      }
    };
    const c1 = await conversion('known-1', alpha, '100.00', '10.00', 'paid', '2026-08-05T10:00:00Z', '2026-09-04T10:00:00Z');
    await conversion('known-2', alpha, '50.00', '5.00', 'approved', '2026-08-20T10:00:00Z', '2026-10-02T10:00:00Z');
    await conversion('known-3', beta, '120.00', '12.00', 'approved', '2026-08-10T10:00:00Z', '2026-10-02T10:00:00Z');
    await conversion('known-4', beta, '500.00', '0.00', 'rejected', '2026-08-11T10:00:00Z', null);
    await conversion('known-5', alpha, '80.00', '8.00', 'pending', '2026-08-12T10:00:00Z', null);
    const c6 = await conversion('known-6', beta, '999.00', '99.90', 'paid', '2026-07-31T23:59:59Z', '2026-08-30T23:59:59Z');
    await conversion('known-7', alpha, '600.00', '60.00', 'approved', '2026-09-15T10:00:00Z', '2026-10-15T10:00:00Z');
    await paidPayout(alpha, '2026-09-01T00:00:00Z', '2026-10-01T00:00:00Z', [[c1, '10.00']]);
    await paidPayout(beta, '2026-08-01T00:00:00Z', '2026-09-01T00:00:00Z', [[c6, '99.90']]);

    // Funnel: Alpha's converted journey (2 days to the sale), Beta's signup, and a click-only journey.
    const journey = async (partner: number, stage: string | null, converted: boolean, started: string, completed: string | null) => {
      const cookie = await tx.query<{ id: string }>(`INSERT INTO cookies (expires_at) VALUES ('2027-01-01') RETURNING cookie_id::text AS id`);
      await tx.query(
        `INSERT INTO funnel_journeys (cookie_id, partner_id, campaign_version_id, journey_started_at, journey_completed_at, last_event_at,
                                      furthest_stage_id, is_converted)
         VALUES (:cookie::uuid, :p::integer, :cv::integer, :started::timestamptz, :completed::timestamptz, :started::timestamptz,
                 (SELECT conversion_event_type_id FROM conversion_event_types WHERE name = :stage), :converted::boolean)`,
        { cookie: cookie.rows[0]!.id, p: partner, cv: versionId, started, completed, stage, converted },
      );
    };
    await journey(alpha, 'sale', true, '2026-08-01T00:00:00Z', '2026-08-03T00:00:00Z');
    await journey(beta, 'signup', false, '2026-08-02T00:00:00Z', null);
    await journey(alpha, null, false, '2026-08-04T00:00:00Z', null);
    return { vendorId, campaignId, versionId, alpha, beta, alphaEnrollment };
  });
}

describe.skipIf(!reachable)(`reports at scale on PostgreSQL (${clicks} clicks, ${conversions} conversions)`, () => {
  let db: TestDatabase;
  let generated: GenerateScaleResult;
  let slice: Slice;
  let params: ScaleParameters;

  beforeAll(async () => {
    db = await createTestDatabase({ engine: 'postgres', serverUrl: postgresServerUrl });
    generated = await generateScaleData({ connectionString: db.url!, clicks, conversions });
    slice = await seedSlice(db.sql);
    await db.sql.query('ANALYZE');
    params = await pickParameters(db.sql);
    reportFigures(
      `[figures] reports-at-scale test data: ${clicks} clicks, ${conversions} conversions generated in ${generated.seconds.toFixed(1)} s, ` +
        `${(generated.databaseBytes / 1024 ** 2).toFixed(0)} MB`,
    );
  }, 600_000);

  afterAll(async () => {
    await db?.close();
  });

  it('generates exactly the rows asked for, consistent with the schema', () => {
    expect(generated.counts.clicks).toBe(clicks);
    expect(generated.counts.conversion_events).toBe(conversions);
    expect(generated.counts.cookies).toBe(generated.counts.funnel_journeys);
    expect(generated.counts.payout_events).toBeGreaterThan(conversions / 2);
  });

  it('the generated books (and the slice) reconcile: no violation', async () => {
    expect(await runReconciliation(db.sql)).toEqual([]);
  });

  it.each(REPORT_QUERIES.map((q) => [q.name, q] as const))('%s: the plan uses its named index', async (_name, query) => {
    const explained = await explainReport(db.sql, query, params);
    expect(missingIndexes(query, explained, { smallScale: true }), `indexes used: ${explained.indexes.join(', ')}`).toEqual([]);
    // Never a sequential scan of the big tables.
    const seqScans = explained.plans.flatMap((plan) => seqScansOf(plan));
    expect(seqScans.filter((t) => ['conversion_events', 'touches', 'payout_events', 'funnel_journeys', 'clicks'].includes(t))).toEqual([]);
  });

  it('the baseline is an index range scan too', async () => {
    const explained = await explainReport(db.sql, BASELINE, params);
    expect(explained.indexes).toContain('idx_conversion_events_occurred_at');
  });

  it('partner dashboard on the slice: the enrollment with its totals', async () => {
    const rows = await partnerDashboard(db.sql, slice.alpha);
    expect(rows).toEqual([
      expect.objectContaining({
        campaign_partner_id: slice.alphaEnrollment,
        campaign_id: slice.campaignId,
        campaign_name: 'Known campaign',
        total_clicks: 40,
        total_conversions: 3,
        total_revenue: '750.00',
        total_commission_earned: '75.00',
        last_conversion_at: '2026-09-15T00:00:00.000Z',
      }),
    ]);
  });

  it('top partners on the slice: approved and paid conversions of the month, by revenue', async () => {
    const rows = await topPartners(db.sql, {
      vendor_id: slice.vendorId,
      campaign_id: slice.campaignId,
      from: new Date('2026-08-01T00:00:00.000Z'),
      to: new Date('2026-08-31T23:59:59.999Z'),
    });
    // Sums as NUMERIC(13,3) text per partner and currency; the route formats them and averages.
    expect(rows).toEqual([
      // $100.00 paid + $50.00 approved; pending $80.00 left out.
      { partner_id: slice.alpha, name: 'Known Alpha', tier: 'gold', currency: 'USD', conversion_count: 2, total_revenue: '150.000', total_commission: '15.000', counted_commission: '15.000' },
      // $120.00 approved; rejected $500.00 and July's $999.00 left out.
      { partner_id: slice.beta, name: 'Known Beta', tier: 'standard', currency: 'USD', conversion_count: 1, total_revenue: '120.000', total_commission: '12.000', counted_commission: '12.000' },
    ]);
  });

  it('funnel on the slice: journeys by furthest stage and time to conversion', async () => {
    const scope = { vendor_id: slice.vendorId, campaign_id: slice.campaignId };
    const stages = await funnelStages(db.sql, scope);
    expect(stages.map(({ stage, journeys, converted }) => ({ stage, journeys, converted }))).toEqual([
      { stage: 'click', journeys: 1, converted: 0 },
      { stage: 'signup', journeys: 1, converted: 0 },
      { stage: 'sale', journeys: 1, converted: 1 },
    ]);
    expect(await funnelSummary(db.sql, scope)).toEqual({ journeys: 3, converted: 1, avg_seconds_to_conversion: 2 * 86_400 });
  });

  it('payout run for October on the slice: Alpha paid $65.00 in two events, Beta below the minimum (rolled back)', async () => {
    const rows = await db.sql
      .transaction(async (tx) => {
        const { rows } = await runPayoutStatement(tx, {
          startDate: params.payoutStart,
          endDate: params.payoutEnd,
          now: params.payoutNow,
          minimum: '50.00',
          currency: 'USD',
        });
        throw Object.assign(new Error('rollback'), { rows });
      })
      .catch((error: { rows?: Array<Record<string, unknown>> }) => {
        if (!error.rows) throw error;
        return error.rows;
      });
    const mine = rows.filter((r) => r.partner_id === slice.alpha || r.partner_id === slice.beta);
    expect(mine).toEqual([
      expect.objectContaining({ partner_id: slice.alpha, currency: 'USD', amount: '65.000', skip_reason: null, event_count: 2 }),
      expect.objectContaining({ partner_id: slice.beta, currency: 'USD', amount: '12.000', payout_id: null, skip_reason: 'below_threshold', event_count: 0 }),
    ]);
    // The generated partners' October credits are in the same run.
    expect(rows.length).toBeGreaterThan(10);
  });
});
