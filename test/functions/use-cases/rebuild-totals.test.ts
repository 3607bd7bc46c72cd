/** rebuild-totals: recomputes campaign_partners totals from clicks, conversions and touches and fixes injected drift. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runScheduledJob } from '../../../functions/handlers/scheduled-job-deps.js';
import type { PlatformDeps } from '../../../functions/platform/composition-root.js';
import { useTestDatabase } from '../../support/database/use-test-database.js';
import { seedProgram, type SeededProgram } from '../../support/fixtures/seed.js';
import { seedPayableConversion } from '../../support/fixtures/payout-fixtures.js';

let program: SeededProgram;
let deps: PlatformDeps;

const db = useTestDatabase(async () => {
  deps = { sql: db.sql, now: () => new Date('2026-03-01T12:00:00.000Z') } as unknown as PlatformDeps;
  program = await seedProgram(db.sql, { partners: 2 });
  const [a, b] = program.partners as [SeededProgram['partners'][number], SeededProgram['partners'][number]];
  for (const [link, n] of [[a.links[0]!, 3], [b.links[0]!, 1]] as const) {
    for (let i = 0; i < n; i += 1) {
      await db.sql.query(`INSERT INTO clicks (partner_link_id, click_uuid, clicked_at) VALUES (:l::integer, :u::uuid, '2026-02-01')`, { l: link.partner_link_id, u: randomUUID() });
    }
  }
  const base = { vendorId: program.vendorId, campaignVersionId: program.campaignVersionId };
  // Multi-touch 10.00 = A 4.00 + B 6.00 on a sale of 100.00 (equal weights: 50.00 revenue each).
  await seedPayableConversion(db.sql, { ...base, status: 'approved', shares: [[a.partnerId, '4.00'], [b.partnerId, '6.00']] });
  await seedPayableConversion(db.sql, { ...base, status: 'pending', shares: [[a.partnerId, '7.50']] });
  await seedPayableConversion(db.sql, { ...base, status: 'rejected', shares: [[b.partnerId, '9.00']] });
}, 60_000);

const totals = async () =>
  (
    await db.sql.query<Record<string, unknown>>(
      `SELECT partner_id, total_clicks, total_conversions, total_revenue::text AS revenue, total_commission_earned::text AS commission
       FROM campaign_partners WHERE campaign_version_id = :v::integer ORDER BY partner_id`,
      { v: program.campaignVersionId },
    )
  ).rows.map((r) => [Number(r.partner_id), Number(r.total_clicks), Number(r.total_conversions), r.revenue, r.commission]);

describe('rebuild-totals', () => {
  it('recomputes from the facts, then finds nothing to fix, then fixes injected drift and reports it', async () => {
    const [a, b] = program.partners as [SeededProgram['partners'][number], SeededProgram['partners'][number]];
    const first = (await runScheduledJob({ name: 'rebuild-totals', deps, input: { campaign_version_ids: [program.campaignVersionId] } })) as { fixed: unknown[] };
    expect(first.fixed.length).toBe(2);
    expect(await totals()).toEqual([
      // NUMERIC(13,3) column text (migration 0008); the job's report below is in USD's decimals.
      [a.partnerId, 3, 2, '125.000', '11.500'],
      [b.partnerId, 1, 1, '50.000', '6.000'],
    ]);
    const clean = (await runScheduledJob({ name: 'rebuild-totals', deps, input: {} })) as { fixed: unknown[] };
    expect(clean.fixed).toEqual([]);
    await db.sql.query(`UPDATE campaign_partners SET total_clicks = 999, total_commission_earned = total_commission_earned + 5 WHERE partner_id = :p::integer`, { p: b.partnerId });
    const drift = (await runScheduledJob({ name: 'rebuild-totals', deps, input: {} })) as { fixed: Array<{ campaign_partner_id: number; before: Record<string, unknown>; after: Record<string, unknown> }> };
    expect(drift.fixed).toEqual([
      {
        campaign_partner_id: b.campaignPartnerId,
        before: { total_clicks: 999, total_conversions: 1, total_revenue: '50.00', total_commission_earned: '11.00' },
        after: { total_clicks: 1, total_conversions: 1, total_revenue: '50.00', total_commission_earned: '6.00' },
      },
    ]);
  });
});
