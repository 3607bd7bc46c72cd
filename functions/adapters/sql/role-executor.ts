/**
 * Runs every statement of an executor as one PostgreSQL role (schema/0013_database_roles.sql).
 *
 * Two uses. Locally and in tests, where one superuser connection (PGlite, or `DATABASE_URL`) stands
 * in for every function's own login, each function gets its executor wrapped in its role, so a
 * missing grant fails here and not first on AWS. On every engine, a job that must hold more than
 * its function (retention, erasure: the only roles allowed to change audit_logs) wraps the
 * function's executor in the job's role.
 *
 * `SET LOCAL ROLE` lasts until the end of the transaction, so the role cannot leak into a pooled
 * connection, a Data API connection or PGlite's single session. A statement outside a transaction
 * is therefore run in a transaction of its own (one statement: the same effect as autocommit).
 * A role executor wrapped around another transaction's executor joins that transaction and changes
 * its role until the end of it.
 */
import type { QueryResult, SqlExecutor, SqlParams, SqlRow } from '../../ports/sql-executor.js';

/** Lower-case identifiers only: the role name is written into the statement, never bound. */
const roleNamePattern = /^[a-z_][a-z0-9_]{0,62}$/;

export class InvalidRoleNameError extends Error {
  constructor(readonly role: string) {
    super(`Invalid PostgreSQL role name ${JSON.stringify(role)}: lower-case letters, digits and _ only`);
    this.name = 'InvalidRoleNameError';
  }
}

/** `sql`, with each transaction (and each lone statement, in one of its own) run as `role`. */
export function createRoleExecutor(sql: SqlExecutor, role: string): SqlExecutor {
  if (!roleNamePattern.test(role)) throw new InvalidRoleNameError(role);
  const setRole = `SET LOCAL ROLE ${role}`;

  const transaction = <T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> =>
    sql.transaction(async (tx) => {
      await tx.query(setRole);
      return work(tx);
    });

  return {
    query: <Row extends SqlRow = SqlRow>(text: string, params?: SqlParams): Promise<QueryResult<Row>> =>
      transaction((tx) => tx.query<Row>(text, params)),
    transaction,
  };
}
