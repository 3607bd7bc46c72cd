/**
 * What one function is given locally: the shared platform dependencies, with the database
 * narrowed to the function's own PostgreSQL role (lib/resources.ts `databaseRole`,
 * schema/0013_database_roles.sql). On AWS each function logs in with its own secret; here one
 * connection stands in for all of them, so each function's statements switch to its role, and a
 * grant missing from the migration fails locally first.
 */
import { createRoleExecutor } from '../../functions/adapters/sql/role-executor.js';
import type { PlatformDeps } from '../../functions/platform/composition-root.js';
import type { SqlExecutor } from '../../functions/ports/sql-executor.js';
import type { FunctionDeclaration, FunctionName } from '../resources.js';

export class NoDatabaseAccessError extends Error {
  constructor(readonly functionName: string) {
    super(`${functionName} has no database access (lib/resources.ts declares databaseRole: null)`);
    this.name = 'NoDatabaseAccessError';
  }
}

/** An executor that refuses every statement: what a function without a database role gets. */
export function noDatabaseExecutor(functionName: string): SqlExecutor {
  return {
    query: () => Promise.reject(new NoDatabaseAccessError(functionName)),
    transaction: () => Promise.reject(new NoDatabaseAccessError(functionName)),
  };
}

/** `deps` for the function `name`: the same clients, its SQL run as its own role (or refused). */
export function functionDeps(name: FunctionName, declaration: FunctionDeclaration, deps: PlatformDeps): PlatformDeps {
  const sql = declaration.databaseRole ? createRoleExecutor(deps.sql, declaration.databaseRole) : noDatabaseExecutor(name);
  return Object.defineProperties({}, { ...Object.getOwnPropertyDescriptors(deps), sql: { value: sql, enumerable: true } }) as PlatformDeps;
}
