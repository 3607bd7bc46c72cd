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
import { assertSingleStatement, compileNamedParameters, pickParameters } from './named-parameters.js';
import { allTextParsers } from './parse-results.js';
import { toDriverValue } from './to-driver-value.js';

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
  const executor: SqlExecutor = {
    query: <Row extends SqlRow = SqlRow>(sql: string, params?: SqlParams) => runQuery<Row>(tx, sql, params),
    transaction: (work) => work(executor),
  };
  return executor;
}

async function runQuery<Row extends SqlRow>(
  target: Queryable,
  sql: string,
  params: SqlParams | undefined,
): Promise<QueryResult<Row>> {
  const compiled = compileNamedParameters(sql);
  assertSingleStatement(compiled);
  const { text, names } = compiled;
  const values = pickParameters(names, params).map((value, index) => toDriverValue(value, names[index]));
  const result = await target.query<Row>(text, values, { parsers });
  const rowCount = result.fields.length > 0 ? result.rows.length : (result.affectedRows ?? 0);
  return { rows: result.rows, rowCount };
}
