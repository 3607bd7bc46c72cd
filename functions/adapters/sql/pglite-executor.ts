/**
 * The SQL port on PGlite (PostgreSQL in WebAssembly): the local runner and the test suites.
 * Results are parsed per query with the same parsers as node-postgres, so rows are identical.
 */
import type { PGlite, Transaction } from '@electric-sql/pglite';
import type {
  ClosableSqlExecutor,
  QueryResult,
  SqlExecutor,
  SqlParams,
  SqlRow,
} from '../../ports/sql-executor.js';
import { joinedTransactionExecutor } from './joined-transaction-executor.js';
import { allTextParsers } from './parse-results.js';
import { positionalStatement } from './positional-statement.js';

type Queryable = Pick<PGlite | Transaction, 'query'>;

const parsers = allTextParsers();

/** Builds an executor over an open PGlite; `close()` closes it. */
export function createPgliteExecutor(db: PGlite): ClosableSqlExecutor {
  // PGlite is one session: setting the zone once covers every later statement.
  const ready = db.exec("SET TIME ZONE 'UTC'");

  return {
    async query<Row extends SqlRow = SqlRow>(sql: string, params?: SqlParams) {
      await ready;
      return runQuery<Row>(db, sql, params);
    },
    async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      await ready;
      return db.transaction((tx) => work(transactionExecutor(tx)));
    },
    async close() {
      await ready.catch(() => undefined);
      if (!db.closed) await db.close();
    },
  };
}

function transactionExecutor(tx: Transaction): SqlExecutor {
  return joinedTransactionExecutor(<Row extends SqlRow = SqlRow>(sql: string, params?: SqlParams) => runQuery<Row>(tx, sql, params));
}

async function runQuery<Row extends SqlRow>(
  target: Queryable,
  sql: string,
  params: SqlParams | undefined,
): Promise<QueryResult<Row>> {
  const { text, values } = positionalStatement(sql, params);
  const result = await target.query<Row>(text, values, { parsers });
  const rowCount = result.fields.length > 0 ? result.rows.length : (result.affectedRows ?? 0);
  return { rows: result.rows, rowCount };
}
