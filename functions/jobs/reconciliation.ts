/** The `reconciliation` job: runs the reconciliation query and logs the violations (none = balanced). */
import type { SqlExecutor } from '../ports/sql-executor.js';
import { reconciliationMoney, runReconciliation, type CurrencyBooks, type ReconciliationViolation } from '../repositories/reconciliation.js';

/** `money`: each currency's books on their own (docs/money.md "Reconciliation per currency"). */
export async function runReconciliationJob({
  sql,
}: {
  sql: SqlExecutor;
}): Promise<{ balanced: boolean; violations: ReconciliationViolation[]; money: CurrencyBooks[] }> {
  const violations = await runReconciliation(sql);
  const money = await reconciliationMoney(sql);
  const level = violations.length === 0 ? 'info' : 'error';
  console[level](JSON.stringify({ level, message: 'reconciliation', violations: violations.length, kinds: [...new Set(violations.map((v) => v.kind))] }));
  return { balanced: violations.length === 0, violations, money };
}
