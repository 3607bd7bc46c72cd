/**
 * `email_unsubscribe_tokens` and `email_opt_outs` (schema/0014_web_sessions.sql): each notice's
 * unsubscribe link carries a token stored hashed with its address; opening it records the
 * address's opt-out. Addresses are stored lower-case.
 */
import type { SqlExecutor } from '../../ports/sql-executor.js';

export async function insertUnsubscribeToken(sql: SqlExecutor, input: { token_hash: string; email: string; now: Date }): Promise<void> {
  await sql.query(
    `INSERT INTO email_unsubscribe_tokens (token_hash, email, created_at) VALUES (:token_hash, lower(:email), :now::timestamptz)`,
    input,
  );
}

/**
 * Records the opt-out of the address behind `token_hash`; returns the address, or undefined for
 * a token we never issued. Repeating it changes nothing (the first opt-out's time is kept).
 */
export async function optOutByToken(sql: SqlExecutor, input: { token_hash: string; now: Date }): Promise<string | undefined> {
  const { rows } = await sql.query<{ email: string }>(
    `INSERT INTO email_opt_outs (email, opted_out_at)
     SELECT email, :now::timestamptz FROM email_unsubscribe_tokens WHERE token_hash = :token_hash
     ON CONFLICT (email) DO UPDATE SET opted_out_at = email_opt_outs.opted_out_at
     RETURNING email`,
    input,
  );
  return rows[0]?.email;
}

export async function hasOptedOut(sql: SqlExecutor, email: string): Promise<boolean> {
  const { rows } = await sql.query(`SELECT 1 FROM email_opt_outs WHERE email = lower(:email)`, { email });
  return rows.length > 0;
}
