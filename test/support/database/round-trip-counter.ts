/**
 * An executor that counts database round trips the way the RDS Data API bills and waits for them:
 * every statement is one call, and a transaction adds two more (BeginTransaction and
 * CommitTransaction, or RollbackTransaction when the work throws). A transaction opened on a
 * transaction's executor joins it (the SqlExecutor contract), so it adds nothing. An optional
 * fixed delay per call models the network time of each one (bench/attribution-latency.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SqlExecutor } from '../../../functions/ports/sql-executor.js';

export interface RoundTripCounter {
  sql: SqlExecutor;
  /** Statements plus two per outermost transaction, since creation or the last `reset()`. */
  readonly roundTrips: number;
  readonly statements: number;
  readonly transactions: number;
  /** The first line of every statement, in order (to see which ones a change removed). */
  readonly log: readonly string[];
  reset(): void;
}

export function countRoundTrips(inner: SqlExecutor, options: { latencyMs?: number } = {}): RoundTripCounter {
  const latencyMs = options.latencyMs ?? 0;
  const counts = { statements: 0, transactions: 0 };
  const log: string[] = [];
  const call = async () => {
    if (latencyMs > 0) await sleep(latencyMs);
  };

  const wrap = (executor: SqlExecutor, inTransaction: boolean): SqlExecutor => ({
    async query(text, params) {
      counts.statements += 1;
      log.push(text.trim().split('\n')[0]!.slice(0, 120));
      await call();
      return executor.query(text, params);
    },
    async transaction(work) {
      if (inTransaction) return executor.transaction((tx) => work(wrap(tx, true)));
      counts.transactions += 1;
      await call(); // BeginTransaction
      try {
        return await executor.transaction((tx) => work(wrap(tx, true)));
      } finally {
        await call(); // CommitTransaction or RollbackTransaction
      }
    },
  });

  return {
    sql: wrap(inner, false),
    get roundTrips() {
      return counts.statements + 2 * counts.transactions;
    },
    get statements() {
      return counts.statements;
    },
    get transactions() {
      return counts.transactions;
    },
    log,
    reset() {
      log.length = 0;
      counts.statements = 0;
      counts.transactions = 0;
    },
  };
}
