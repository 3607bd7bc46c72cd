/**
 * Reconciliation for test suites: run after each scenario. `reconcileBooks(sql)` runs the
 * operator's one SQL query (functions/repositories/payouts/reconciliation.ts) AND the pure spec
 * `reconcile()` on the same rows, and fails if they disagree; `expectBalanced(sql)` also requires
 * that there are no violations.
 */
import { expect } from 'vitest';
import { reconcile } from '../payout-oracle/index.js';
import type { SqlExecutor } from '../../../functions/ports/sql-executor.js';
import { runReconciliation, type ReconciliationViolation } from '../../../functions/repositories/payouts/reconciliation.js';
import { loadLedger } from '../fixtures/payout-fixtures.js';

/** Sorted `kind:conversion:partner` keys, comparable between SQL and spec. */
function keys(list: Array<{ kind: string; conversion: number | null | undefined; partner: number | null | undefined; payout: number | null | undefined }>) {
  return list.map((v) => `${v.kind}:${v.conversion ?? '-'}:${v.partner ?? '-'}:${v.payout ?? '-'}`).sort();
}

export async function reconcileBooks(sql: SqlExecutor): Promise<ReconciliationViolation[]> {
  const fromSql = await runReconciliation(sql);
  const fromSpec = reconcile(await loadLedger(sql));
  expect(keys(fromSql.map((v) => ({ kind: v.kind, conversion: v.conversion_event_id, partner: v.partner_id, payout: v.payout_id })))).toEqual(
    keys(fromSpec.map((v) => ({ kind: v.kind, conversion: v.conversionEventId, partner: v.partnerId, payout: v.payoutId }))),
  );
  return fromSql;
}

export async function expectBalanced(sql: SqlExecutor): Promise<void> {
  expect(await reconcileBooks(sql)).toEqual([]);
}
