/**
 * The `rebuild-totals` job: recomputes `campaign_partners` totals (clicks, conversions, revenue,
 * commission) from clicks, conversion_events and touches, fixes the rows that drifted, and reports
 * them. Input `{ campaign_version_ids?: number[] }` limits it to some versions. Runs in one
 * transaction with the enrollments it fixes locked, so a concurrent consumer's increment is not lost.
 */
import type { SqlExecutor } from '../ports/sql-executor.js';
import { computeEnrollmentTotals, fixEnrollmentTotals } from '../repositories/totals.js';

export async function runRebuildTotalsJob({ sql, input }: { sql: SqlExecutor; input: Record<string, unknown> }) {
  const versions = Array.isArray(input.campaign_version_ids) ? input.campaign_version_ids.filter((v): v is number => Number.isSafeInteger(v)) : undefined;
  const fixed = await sql.transaction(async (tx) => {
    // Serialise with the click/conversion consumers' increments on the same rows.
    await tx.query(`SELECT pg_advisory_xact_lock(:key::bigint)`, { key: 7_300_452 });
    const computed = await computeEnrollmentTotals(tx, versions);
    return { checked: computed.size, fixed: await fixEnrollmentTotals(tx, computed) };
  });
  console.info(JSON.stringify({ level: 'info', message: 'rebuild-totals', checked: fixed.checked, fixed: fixed.fixed.length }));
  return fixed;
}
