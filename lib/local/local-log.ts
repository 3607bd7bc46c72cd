/**
 * The local runner's own lines (starting, stopping, warnings), beside the functions' Powertools
 * lines. Two shapes, chosen by `LOG_FORMAT` (bin/local.ts): `pretty` (the default on a terminal)
 * prints `[local] …` for a person; `json` (the default when stdout is not a terminal, e.g. piped
 * to a log collector) prints the functions' shape: one JSON object per line with `level`,
 * `message`, `service: "local"` and `timestamp`. Both go to stderr, so stdout keeps the ready
 * line and the functions' lines.
 */
export interface LocalLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

export type LocalLogFormat = 'pretty' | 'json';

/** Logs to stderr with a `[local]` prefix, for a terminal. */
export const consoleLog: LocalLog = {
  info: (message) => console.error(`[local] ${message}`),
  warn: (message) => console.error(`[local] warning: ${message}`),
  error: (message, error) => console.error(`[local] error: ${message}`, ...(error === undefined ? [] : [error])),
};

function jsonLine(level: 'INFO' | 'WARN' | 'ERROR', message: string, error?: unknown): string {
  const cause = error instanceof Error ? { error: { name: error.name, message: error.message, stack: error.stack } } : error === undefined ? {} : { error: String(error) };
  return JSON.stringify({ level, message, timestamp: new Date().toISOString(), service: 'local', ...cause });
}

/** Logs to stderr as JSON lines, the shape the functions print. */
export const jsonConsoleLog: LocalLog = {
  info: (message) => process.stderr.write(`${jsonLine('INFO', message)}\n`),
  warn: (message) => process.stderr.write(`${jsonLine('WARN', message)}\n`),
  error: (message, error) => process.stderr.write(`${jsonLine('ERROR', message, error)}\n`),
};

/** The runner's log for `format`. */
export function localLogFor(format: LocalLogFormat): LocalLog {
  return format === 'json' ? jsonConsoleLog : consoleLog;
}

export const silentLog: LocalLog = {
  info: () => {},
  warn: () => {},
  error: () => {},
};
