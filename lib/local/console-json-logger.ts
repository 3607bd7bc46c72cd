/**
 * The functions' `Logger` on the local platform until Powertools' is wired here: one JSON line
 * per entry (`level`, `message`, then the fields), info and debug on stdout, warnings and errors
 * on stderr, as the consumers printed them before the Logger port.
 */
import type { LogFields, Logger } from '../../functions/ports/logger.js';

function line(level: string, message: string, extra: readonly (LogFields | Error)[]): string {
  const fields = Object.assign({}, ...extra.map((item) => (item instanceof Error ? { error: `${item.name}: ${item.message}` } : item))) as LogFields;
  return JSON.stringify({ level, message, ...fields });
}

export const consoleJsonLogger: Logger = {
  debug: () => {},
  info: (message, ...extra) => console.log(line('info', message, extra)),
  warn: (message, ...extra) => console.error(line('warn', message, extra)),
  error: (message, ...extra) => console.error(line('error', message, extra)),
};
