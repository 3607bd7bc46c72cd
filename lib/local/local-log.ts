/** The local runner's logger: the console by default, a silent or collecting one in tests. */
export interface LocalLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/** Logs to stderr with a `[local]` prefix, so stdout keeps only the ready line. */
export const consoleLog: LocalLog = {
  info: (message) => console.error(`[local] ${message}`),
  warn: (message) => console.error(`[local] warning: ${message}`),
  error: (message, error) => console.error(`[local] error: ${message}`, ...(error === undefined ? [] : [error])),
};

export const silentLog: LocalLog = {
  info: () => {},
  warn: () => {},
  error: () => {},
};
