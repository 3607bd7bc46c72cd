/**
 * Sends a sign-in link to `email` for `role` when that address may sign in as it: an active or
 * pending partner, a vendor user (one link per vendor they belong to, in one message), or an
 * address in OPERATOR_EMAILS. Otherwise, or past a rate limit, it sends nothing, and the caller
 * cannot tell (the route answers 202 either way: no account enumeration). Each link's token is
 * 32 random bytes, stored as its SHA-256 with whom it signs in, valid 15 minutes, single use.
 * The link puts the token in the fragment, which browsers never send to a server or in Referer.
 */
import {
  generateSecretToken,
  hashSecretToken,
  MAGIC_LINK_TTL_MS,
  normaliseEmail,
  type WebRole,
} from '../domain/auth/web-session.js';
import type { Logger } from '../ports/logger.js';
import type { Mailer } from '../ports/mailer.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import {
  countRecentAuthTokens,
  findPartnerIdByEmail,
  findVendorUsersByEmail,
  insertAuthToken,
  type WebPrincipalRef,
} from '../repositories/accounts/web-sign-in.js';

/** Links sent to one address per 15 minutes, and requested from one IP: beyond, nothing is sent. */
export const MAGIC_LINKS_PER_EMAIL = 5;
export const MAGIC_LINKS_PER_IP = 20;
const rateWindowMs = 15 * 60_000;

export type MagicLinkOutcome = 'sent' | 'no_account' | 'rate_limited' | 'no_mailer';

export async function requestMagicLink(input: {
  sql: SqlExecutor;
  mailer: Mailer | undefined;
  logger: Logger;
  email: string;
  role: WebRole;
  ip: string | null;
  appBaseUrl: string;
  operatorEmails: readonly string[];
  now: Date;
}): Promise<MagicLinkOutcome> {
  const email = normaliseEmail(input.email);
  const recent = await countRecentAuthTokens(input.sql, { email, ip: input.ip, since: new Date(input.now.getTime() - rateWindowMs) });
  if (recent.by_email >= MAGIC_LINKS_PER_EMAIL || recent.by_ip >= MAGIC_LINKS_PER_IP) {
    input.logger.warn('sign-in link not sent: rate limited', { role: input.role, by_email: recent.by_email, by_ip: recent.by_ip });
    return 'rate_limited';
  }

  const targets: { ref: WebPrincipalRef; label: string }[] = [];
  if (input.role === 'partner') {
    const partner = await findPartnerIdByEmail(input.sql, email);
    if (partner) targets.push({ ref: { role: 'partner', email, partner_id: partner.partner_id, vendor_user_id: null }, label: 'the partner portal' });
  } else if (input.role === 'vendor') {
    for (const user of await findVendorUsersByEmail(input.sql, email)) {
      targets.push({ ref: { role: 'vendor', email, partner_id: null, vendor_user_id: user.vendor_user_id }, label: `the ${user.vendor_name} dashboard` });
    }
  } else if (input.operatorEmails.includes(email)) {
    targets.push({ ref: { role: 'operator', email, partner_id: null, vendor_user_id: null }, label: 'the operator console' });
  }
  if (targets.length === 0) return 'no_account';
  if (!input.mailer) {
    input.logger.error('sign-in link not sent: no mailer configured', { role: input.role });
    return 'no_mailer';
  }

  const expiresAt = new Date(input.now.getTime() + MAGIC_LINK_TTL_MS);
  const links: string[] = [];
  for (const target of targets) {
    const token = generateSecretToken();
    await insertAuthToken(input.sql, { ...target.ref, token_hash: hashSecretToken(token), requested_ip: input.ip, now: input.now, expires_at: expiresAt });
    links.push(`Sign in to ${target.label}:\n${input.appBaseUrl}/app/sign-in#token=${token}`);
  }
  await input.mailer.send({
    to: email,
    subject: 'Your sign-in link',
    text: [
      'Hello,',
      '',
      ...links.flatMap((link) => [link, '']),
      'The link works once, within 15 minutes. If you did not ask to sign in, ignore this message: nothing happens without the link.',
      '',
    ].join('\n'),
  });
  return 'sent';
}
