/** Sign-out: the session is revoked server-side, so a copied cookie stops working at once. */
import type { SqlExecutor } from '../ports/sql-executor.js';
import { revokeWebSession } from '../repositories/accounts/web-sign-in.js';

export async function endWebSession(input: { sql: SqlExecutor; webSessionId: number; now: Date }): Promise<void> {
  await revokeWebSession(input.sql, { web_session_id: input.webSessionId, now: input.now });
}
