/**
 * Property: whatever clicks, sales, refunds, funnel events and campaign edits happened, the nightly
 * rebuild-totals finds nothing to fix: the live path (click ingestion, the conversions consumer,
 * refunds) and the rebuild agree on every enrollment's totals and every journey's commission.
 * Real engines: PGlite, dynalite, local SQS; the consumer is the Lambda's own code.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildTotals } from '../../../functions/use-cases/rebuild-totals.js';
import type { SqlExecutor } from '../../../functions/ports/sql-executor.js';
import { editCampaign } from '../../support/fixtures/edit-campaign.js';
import { seedProgram } from '../../support/fixtures/seed.js';
import { startHarness, type Harness } from '../../support/platform/attribute-conversions-harness.js';
import { refund, sale } from '../../support/messages/conversions.js';

type Step =
  | { kind: 'click'; partner: number; newVisitor: boolean }
  | { kind: 'sale'; cents: number; byCookie: boolean }
  | { kind: 'refund'; of: number; cents: number | null }
  | { kind: 'funnel'; eventType: 'page_view' | 'add_to_cart' }
  | { kind: 'edit'; rate: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('click' as const), partner: fc.integer({ min: 0, max: 1 }), newVisitor: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('sale' as const), cents: fc.integer({ min: 1, max: 50_000 }), byCookie: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('refund' as const), of: fc.nat(), cents: fc.option(fc.integer({ min: 1, max: 50_000 }), { nil: null }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('funnel' as const), eventType: fc.constantFrom('page_view' as const, 'add_to_cart' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('edit' as const), rate: fc.integer({ min: 1, max: 40 }) }) },
);

const money = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

async function snapshot(sql: SqlExecutor, campaignId: number) {
  const enrollments = await sql.query(
    `SELECT cp.campaign_partner_id, cp.campaign_version_id, cp.total_clicks, cp.total_conversions, cp.total_revenue::text AS revenue,
            cp.total_commission_earned::text AS commission
     FROM campaign_partners cp JOIN campaign_versions cv ON cv.campaign_version_id = cp.campaign_version_id
     WHERE cv.campaign_id = :c::integer ORDER BY cp.campaign_partner_id`,
    { c: campaignId },
  );
  const journeys = await sql.query(
    `SELECT fj.funnel_journey_id, fj.total_events, fj.total_commission::text AS commission, fj.is_converted,
            fj.furthest_stage_id, fj.events_sequence
     FROM funnel_journeys fj JOIN campaign_versions cv ON cv.campaign_version_id = fj.campaign_version_id
     WHERE cv.campaign_id = :c::integer ORDER BY fj.funnel_journey_id`,
    { c: campaignId },
  );
  return { enrollments: enrollments.rows, journeys: journeys.rows };
}

describe('rebuild-totals after any history of the live path', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('changes nothing the live path wrote (enrollment totals, funnel journeys)', async () => {
    await fc.assert(
      // Every history starts with a click, so sales have a journey to be credited to.
      fc.asyncProperty(fc.array(step, { minLength: 2, maxLength: 10 }).map((rest): Step[] => [{ kind: 'click', partner: 0, newVisitor: false }, ...rest]), async (steps) => {
        const program = await seedProgram(h.sql, { partners: 2, version: { attributionModel: 'linear' } });
        let version = program.campaignVersionId;
        let cookie = randomUUID();
        let lastClick: string | undefined;
        const sales: { transactionId: string; cents: number }[] = [];
        let at = Date.parse('2024-03-01T10:00:00.000Z');
        const next = () => new Date((at += 3_600_000)).toISOString();
        for (const s of steps) {
          if (s.kind === 'click') {
            if (s.newVisitor) cookie = randomUUID();
            const link = { ...program.partners[s.partner]!.links[0]!, campaign_version_id: version };
            lastClick = (await h.click(link, next(), { cookie_id: cookie })).click_id;
          } else if (s.kind === 'sale' || s.kind === 'funnel') {
            const message = sale(program.vendorId, {
              ...(s.kind === 'sale' ? { event_value: money(s.cents) } : { event_type: s.eventType, event_value: undefined }),
              ...(s.kind === 'sale' && s.byCookie ? { cookie_id: cookie } : lastClick ? { click_id: lastClick } : { cookie_id: cookie }),
              occurred_at: next(),
            });
            expect((await h.run([message])).batchItemFailures).toEqual([]);
            if (s.kind === 'sale') sales.push({ transactionId: message.transaction_id, cents: s.cents });
          } else if (s.kind === 'refund') {
            const target = sales[s.of % Math.max(1, sales.length)];
            if (!target) continue;
            const amount = s.cents === null ? {} : { amount: money(Math.min(s.cents, target.cents)) };
            expect((await h.run([refund(program.vendorId, target.transactionId, { ...amount, occurred_at: next() })])).batchItemFailures).toEqual([]);
          } else {
            version = await editCampaign(h.sql, program.campaignId, { default_commission_value: `${s.rate}.00` }, new Date(next()));
          }
        }
        const live = await snapshot(h.sql, program.campaignId);
        // As the nightly schedule runs it: every enrollment (earlier runs' too, which must still agree).
        const rebuilt = await rebuildTotals({ sql: h.sql, input: {} });
        expect(rebuilt.fixed).toEqual([]);
        expect(rebuilt.journeys_fixed).toEqual([]);
        expect(await snapshot(h.sql, program.campaignId)).toEqual(live);
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 20), ...(process.env.PROPERTY_SEED ? { seed: Number(process.env.PROPERTY_SEED) } : {}) },
    );
  }, 600_000);
});
