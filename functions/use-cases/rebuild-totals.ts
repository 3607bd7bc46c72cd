/**
 * Rebuilds totals (the `rebuild-totals` job): recomputes `campaign_partners` totals (clicks, conversions, revenue,
 * commission) from clicks, conversion_events and touches, and `funnel_journeys.total_commission`
 * from the journeys' conversions, fixes the rows that drifted, and reports them. An enrollment
 * counts the conversions of every version of its campaign (docs/campaign-edits-and-events.md).
 * Input `{ campaign_version_ids?: number[] }` limits it to the campaigns of those versions. Runs in
 * one transaction with the rows it fixes locked, so a concurrent consumer's increment is not lost.
 */
import { silentLogger } from '../platform/silent-telemetry.js';
import type { Logger } from '../ports/logger.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { computeEnrollmentTotals, fixEnrollmentTotals, fixJourneyCommissions, lockTotalsRebuild } from '../repositories/payouts/totals.js';

export async function rebuildTotals({ sql, input, logger = silentLogger }: { sql: SqlExecutor; input: Record<string, unknown>; logger?: Logger }) {
  const versions = Array.isArray(input.campaign_version_ids) ? input.campaign_version_ids.filter((v): v is number => Number.isSafeInteger(v)) : undefined;
  const fixed = await sql.transaction(async (tx) => {
    // Serialise with the click/conversion consumers' increments on the same rows.
    await lockTotalsRebuild(tx);
    const computed = await computeEnrollmentTotals(tx, versions);
    return { checked: computed.size, fixed: await fixEnrollmentTotals(tx, computed), journeys_fixed: await fixJourneyCommissions(tx, versions) };
  });
  logger.info('rebuild-totals', { checked: fixed.checked, fixed: fixed.fixed.length, journeys_fixed: fixed.journeys_fixed.length });
  return fixed;
}
