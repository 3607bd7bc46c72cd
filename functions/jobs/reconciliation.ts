/** The `reconciliation` job: runs the reconciliation query and logs the violations (none = balanced). */
import type { SqlExecutor } from '../ports/sql-executor.js';
import { runReconciliation, type ReconciliationViolation } from '../repositories/reconciliation.js';

export async function runReconciliationJob({ sql }: { sql: SqlExecutor }): Promise<{ balanced: boolean; violations: ReconciliationViolation[] }> {
  const violations = await runReconciliation(sql);
  const level = violations.length === 0 ? 'info' : 'error';
  console[level](JSON.stringify({ level, message: 'reconciliation', violations: violations.length, kinds: [...new Set(violations.map((v) => v.kind))] }));
  return { balanced: violations.length === 0, violations };
}
