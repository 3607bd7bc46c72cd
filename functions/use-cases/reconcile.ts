/**
 * Reconciles the books (the `reconciliation` job and `GET /v1/admin/reconciliation`): runs the
 * reconciliation query and logs the violations (none = balanced).
 */
import { silentLogger } from '../platform/silent-telemetry.js';
import type { Logger } from '../ports/logger.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { reconciliationMoney, runReconciliation, type CurrencyBooks, type ReconciliationViolation } from '../repositories/payouts/reconciliation.js';

export interface ReconcileResult {
  balanced: boolean;
  violations: ReconciliationViolation[];
  /** Each currency's books on their own (docs/money.md "Reconciliation per currency"). */
  money: CurrencyBooks[];
}

export async function reconcile({ sql, logger = silentLogger }: { sql: SqlExecutor; logger?: Logger }): Promise<ReconcileResult> {
  const violations = await runReconciliation(sql);
  const money = await reconciliationMoney(sql);
  const fields = { violations: violations.length, kinds: [...new Set(violations.map((v) => v.kind))] };
  if (violations.length === 0) logger.info('reconciliation', fields);
  else logger.error('reconciliation', fields);
  return { balanced: violations.length === 0, violations, money };
}
