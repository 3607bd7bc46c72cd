import type { SqlExecutor } from '../../ports/sql-executor.js';

/** The executor inside one open transaction: every statement through `query`; a nested `transaction` joins it. */
export function joinedTransactionExecutor(query: SqlExecutor['query']): SqlExecutor {
  const executor: SqlExecutor = { query, transaction: (work) => work(executor) };
  return executor;
}
