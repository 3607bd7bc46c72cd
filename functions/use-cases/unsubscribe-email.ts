/** Records the opt-out behind an unsubscribe link's token; undefined for a token we never issued. */
import { hashSecretToken, isSecretTokenShape } from '../domain/auth/web-session.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { optOutByToken } from '../repositories/accounts/email-opt-outs.js';

export async function unsubscribeEmail(input: { sql: SqlExecutor; token: string; now: Date }): Promise<string | undefined> {
  if (!isSecretTokenShape(input.token)) return undefined;
  return optOutByToken(input.sql, { token_hash: hashSecretToken(input.token), now: input.now });
}
