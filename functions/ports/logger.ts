/**
 * The one logger shape of the codebase. Powertools' `Logger` satisfies it on AWS (JSON lines with
 * the function's request id); the local platform prints the same lines; tests pass a recording or
 * a silent one. Fields are snake_case; a line about a click or a conversion carries its
 * `correlation_id` (the click id, or the conversion's source transaction).
 */
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, ...extra: LogFields[]): void;
  info(message: string, ...extra: LogFields[]): void;
  warn(message: string, ...extra: LogFields[]): void;
  error(message: string, ...extra: (LogFields | Error)[]): void;
}
