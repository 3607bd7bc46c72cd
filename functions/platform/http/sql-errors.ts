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
