/**
 * Named parameters (`:name`) to positional ones (`$1`), for node-postgres and PGlite. The RDS
 * Data API binds `:name` itself, so it only needs the list of names a statement uses.
 */
import type { SqlParams } from '../../ports/sql-executor.js';
import { isIdentifierChar, skipQuotedOrComment } from './sql-lexer.js';

export interface CompiledStatement {
  /** The statement with each `:name` replaced by `$n`. */
  text: string;
  /** Parameter names in `$n` order: `names[0]` is `$1`. A name used twice appears once. */
  names: string[];
  /** More than one statement (code after a top-level `;`): refused, see assertSingleStatement. */
  multipleStatements: boolean;
}

const nameStart = /[A-Za-z_]/;
const nameChar = /[A-Za-z0-9_]/;

// Statements are constants in the code, so a small cache saves rescanning them on every call.
const cache = new Map<string, CompiledStatement>();
const cacheLimit = 1000;

/**
 * Replaces `:name` with `$n` outside string literals, quoted identifiers, dollar quotes and
 * comments; `::type` casts are left alone. The same name reuses the same `$n`.
 */
export function compileNamedParameters(sql: string): CompiledStatement {
  const cached = cache.get(sql);
  if (cached) return cached;
  const names: string[] = [];
  const positions = new Map<string, number>();
  let text = '';
  let copiedUpTo = 0;
  let afterSemicolon = false;
  let multipleStatements = false;
  let i = 0;
  while (i < sql.length) {
    const char = sql[i] ?? '';
    const skipped = skipQuotedOrComment(sql, i);
    if (skipped !== -1) {
      if (afterSemicolon && char !== '-' && char !== '/') multipleStatements = true;
      i = skipped;
      continue;
    }
    if (char === ';') afterSemicolon = true;
    else if (afterSemicolon && !/\s/.test(char)) multipleStatements = true;
    if (char === ':' && sql[i + 1] === ':') {
      i += 2;
      continue;
    }
    if (char === ':' && nameStart.test(sql[i + 1] ?? '') && !isIdentifierChar(sql[i - 1]) ) {
      let end = i + 2;
      while (end < sql.length && nameChar.test(sql[end] ?? '')) end += 1;
      const name = sql.slice(i + 1, end);
      let position = positions.get(name);
      if (position === undefined) {
        names.push(name);
        position = names.length;
        positions.set(name, position);
      }
      text += `${sql.slice(copiedUpTo, i)}$${position}`;
      copiedUpTo = end;
      i = end;
      continue;
    }
    i += 1;
  }
  text += sql.slice(copiedUpTo);
  const compiled = { text, names, multipleStatements };
  if (cache.size >= cacheLimit) cache.clear();
  cache.set(sql, compiled);
  return compiled;
}

/**
 * One statement per call: node-postgres would run `a; b` as a simple query, while PGlite's and
 * the Data API's prepared statements refuse it, so allowing it would break "runs unchanged".
 */
export function assertSingleStatement(compiled: CompiledStatement): void {
  if (compiled.multipleStatements) {
    throw new TypeError('An SQL executor call runs exactly one statement; split the text (see splitSqlStatements)');
  }
}

/** Thrown when a statement names a parameter the caller did not pass. */
export class MissingSqlParameterError extends Error {
  constructor(readonly parameter: string) {
    super(`SQL parameter :${parameter} is used in the statement but missing from params`);
    this.name = 'MissingSqlParameterError';
  }
}

/** The values for `names`, in order; a name absent from `params` throws (undefined is NULL). */
export function pickParameters(names: readonly string[], params: SqlParams | undefined): SqlParams[string][] {
  return names.map((name) => {
    if (!params || !Object.prototype.hasOwnProperty.call(params, name)) {
      throw new MissingSqlParameterError(name);
    }
    return params[name];
  });
}
