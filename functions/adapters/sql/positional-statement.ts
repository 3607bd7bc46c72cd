import type { SqlParams } from '../../ports/sql-executor.js';
import { assertSingleStatement, compileNamedParameters, pickParameters } from './named-parameters.js';
import { toDriverValue, type DriverValue } from './to-driver-value.js';

/** A named-parameter statement as node-postgres and PGlite take it: `$n` text and the values in order, refused if it holds more than one statement. */
export function positionalStatement(sql: string, params: SqlParams | undefined): { text: string; values: DriverValue[] } {
  const compiled = compileNamedParameters(sql);
  assertSingleStatement(compiled);
  const { text, names } = compiled;
  return { text, values: pickParameters(names, params).map((value, index) => toDriverValue(value, names[index])) };
}
