/**
 * Recognising constraint violations across the three SQL engines (node-postgres and PGlite expose
 * SQLSTATE as `code`; the RDS Data API only has the message text).
 */
function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** True for a unique violation (SQLSTATE 23505), optionally of the named constraint. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { code?: string; constraint?: string } | undefined;
  const message = messageOf(error);
  const unique = e?.code === '23505' || /duplicate key value violates unique constraint/i.test(message);
  if (!unique) return false;
  if (!constraint) return true;
  return e?.constraint === constraint || message.includes(constraint);
}

/** True for a CHECK violation (SQLSTATE 23514). */
export function isCheckViolation(error: unknown): boolean {
  const e = error as { code?: string } | undefined;
  return e?.code === '23514' || /violates check constraint/i.test(messageOf(error));
}

/** Socket errors of a database that is down or unreachable. */
const unavailableSocketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** SQLSTATE: admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections (class 08 is checked by prefix). */
const unavailableSqlStates = new Set(['57P01', '57P02', '57P03', '53300']);
/** RDS Data API: the cluster is resuming or briefly unavailable. */
const unavailableErrorNames = new Set(['DatabaseResumingException', 'DatabaseUnavailableException']);
/** node-postgres reports a dropped or unusable connection with a message only. */
const unavailableMessage = /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect/i;

/**
 * True when the database could not be reached or dropped the connection: nothing about the
 * request is wrong and the same request can succeed shortly (503, not 500). Looks through
 * `cause` chains and Node's AggregateError (one error per address tried).
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 5 || typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && (unavailableSocketCodes.has(e.code) || unavailableSqlStates.has(e.code) || /^08[0-9A-Z]{3}$/.test(e.code))) return true;
  if (typeof e.name === 'string' && unavailableErrorNames.has(e.name)) return true;
  if (typeof e.message === 'string' && unavailableMessage.test(e.message)) return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return isDatabaseUnavailable(e.cause, depth + 1);
}
