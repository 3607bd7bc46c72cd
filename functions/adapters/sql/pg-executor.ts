/**
 * The SQL port on node-postgres: a real PostgreSQL (local development, CI, `npm run migrate`).
 * Type parsing is per query (never the global `pg.types`), so other pg users in the process are
 * unaffected and every result follows the port's conventions.
 */
import pg from 'pg';
import type {
  ClosableSqlExecutor,
  QueryResult,
  SqlExecutor,
  SqlParams,
  SqlRow,
} from '../../ports/sql-executor.js';
import { joinedTransactionExecutor } from './joined-transaction-executor.js';
import { textParserFor } from './parse-results.js';
import { positionalStatement } from './positional-statement.js';

export type PgExecutorOptions =
  | {
      connectionString: string;
      max?: number;
      /**
       * How long a query waits for a connection (a free pool slot or a new session) before it fails.
       * Without it, a database that stops answering (failover, partition) hangs every caller.
       * @default 10000
       */
      connectionTimeoutMs?: number;
    }
  /** A pool the caller owns: `close()` leaves it open. */
  | { pool: pg.Pool };

const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format !== 'binary') {
      const parser = textParserFor(oid);
      if (parser) return parser;
    }
    return pg.types.getTypeParser(oid, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

type Queryable = Pick<pg.PoolClient, 'query'>;

/** Builds an executor over a node-postgres pool whose sessions run in UTC. */
export function createPgExecutor(options: PgExecutorOptions): ClosableSqlExecutor {
  const ownsPool = !('pool' in options);
  const pool =
    'pool' in options
      ? options.pool
      : new pg.Pool({
          connectionString: options.connectionString,
          max: options.max ?? 10,
          connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
          options: '-c TimeZone=UTC',
          types: typeParsers,
        });
  if (ownsPool) {
    // An idle client dropped by the server (restart, failover) is emitted as 'error'; unhandled,
    // it would crash the process. The pool discards it and the next query opens a fresh one.
    pool.on('error', () => undefined);
  } else {
    // A borrowed pool was configured elsewhere; its new sessions still get UTC.
    pool.on('connect', (client) => {
      client.query("SET TIME ZONE 'UTC'").catch(() => undefined);
    });
  }

  const transaction = async <T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    let releaseError: Error | undefined;
    // The pool removes its own 'error' listener from a checked-out client: a connection lost
    // between two statements of the transaction would be an uncaught 'error' event and end the
    // process. Caught here, the next statement fails instead and the client is discarded.
    const onConnectionError = (error: Error) => {
      releaseError ??= error;
    };
    client.on('error', onConnectionError);
    try {
      await client.query('BEGIN');
      const tx = clientExecutor(client);
      try {
        const result = await work(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          // The connection is in an unknown state: destroy it rather than return it to the pool.
          releaseError = rollbackError as Error;
        }
        throw error;
      }
    } finally {
      client.off('error', onConnectionError);
      client.release(releaseError);
    }
  };

  return {
    query: <Row extends SqlRow = SqlRow>(sql: string, params?: SqlParams) => runQuery<Row>(pool, sql, params),
    transaction,
    async close() {
      if (ownsPool) await pool.end();
    },
  };
}

/** The executor inside one transaction: every statement on the same client; nesting joins. */
function clientExecutor(client: Queryable): SqlExecutor {
  return joinedTransactionExecutor(<Row extends SqlRow = SqlRow>(sql: string, params?: SqlParams) => runQuery<Row>(client, sql, params));
}

async function runQuery<Row extends SqlRow>(
  target: Queryable | pg.Pool,
  sql: string,
  params: SqlParams | undefined,
): Promise<QueryResult<Row>> {
  const { text, values } = positionalStatement(sql, params);
  const result = await (target as Queryable).query<Row>({ text, values, types: typeParsers });
  return { rows: result.rows, rowCount: result.rowCount ?? result.rows.length };
}
