/**
 * The one SQL layer. Every statement in the platform is written once, with named parameters
 * (`:name`), and runs unchanged on the RDS Data API (Aurora), node-postgres and PGlite.
 *
 * Conventions every adapter honours, and every statement relies on:
 * - Parameters are named `:snake_or_camel` and bound by name. `::type` casts are not parameters.
 * - A parameter whose SQL type is not text is cast in the statement (`:amount::numeric`,
 *   `:meta::jsonb`, `:cookie_id::uuid`, `:at::timestamptz`, `:ids::bigint[]`), so the same text
 *   is typed identically on all three engines.
 * - JS values bind as: string -> text; integer number or bigint -> integer; boolean; null/undefined
 *   -> NULL; Date -> UTC timestamp; array -> array; any other object -> JSON text.
 *   A non-integer number is refused: money travels as decimal strings, never as binary floats.
 *   A JS array always binds as a SQL array; a JSONB array is passed as JSON text (`:x::jsonb`).
 * - One statement per call: the Data API runs one, so every executor refuses `a; b`.
 * - Results: NUMERIC as exact decimal strings ("12.30"), JSON/JSONB as parsed values, TIMESTAMP and
 *   TIMESTAMPTZ as ISO-8601 UTC strings ("2024-01-15T10:00:00.000Z"), INT2/INT4/INT8 as numbers,
 *   UUID as strings, arrays as JS arrays.
 * - Sessions run in UTC, so `NOW()` in a TIMESTAMP column is UTC.
 */
export type SqlParamValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | undefined
  | Date
  | readonly SqlParamValue[]
  | { readonly [key: string]: unknown };

export type SqlParams = Readonly<Record<string, SqlParamValue>>;

export type SqlRow = Record<string, unknown>;

export interface QueryResult<Row extends SqlRow = SqlRow> {
  rows: Row[];
  /** Rows returned, or rows affected for INSERT/UPDATE/DELETE without RETURNING. */
  rowCount: number;
}

export interface SqlExecutor {
  query<Row extends SqlRow = SqlRow>(sql: string, params?: SqlParams): Promise<QueryResult<Row>>;
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws (the
   * error is rethrown). Nested calls on the transaction's executor join the same transaction.
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

/** An executor that owns a connection or pool and must be closed at shutdown. */
export interface ClosableSqlExecutor extends SqlExecutor {
  close(): Promise<void>;
}
