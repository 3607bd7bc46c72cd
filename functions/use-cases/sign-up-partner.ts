/**
 * A partner's self sign-up from the web app: a `pending` partner (audited, the operator approves
 * it before it can enroll or be paid) unless the address already belongs to a partner, then a
 * sign-in link either way. The caller learns nothing about whether the address existed: the
 * route answers 202 in both cases, and an existing partner simply gets a normal sign-in link.
 */
import { ConflictError } from '../domain/errors.js';
import { normaliseEmail } from '../domain/auth/web-session.js';
import { registerPartner } from './register-partner.js';
import type { Logger } from '../ports/logger.js';
import type { Mailer } from '../ports/mailer.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { partnerEmailTaken } from '../repositories/partners/partners.js';
import { requestMagicLink, type MagicLinkOutcome } from './request-magic-link.js';

export async function signUpPartner(input: {
  sql: SqlExecutor;
  mailer: Mailer | undefined;
  logger: Logger;
  partner: { email: string; name: string; website_url?: string | null; bio?: string | null };
  ip: string | null;
  appBaseUrl: string;
  now: Date;
}): Promise<{ created: boolean; link: MagicLinkOutcome }> {
  const email = normaliseEmail(input.partner.email);
  let created = false;
  if (!(await partnerEmailTaken(input.sql, email))) {
    try {
      await registerPartner({
        sql: input.sql,
        partner: { ...input.partner, email },
        status: 'pending',
        actor: { self: true, ip_address: input.ip },
        auditAction: 'signup',
        now: input.now,
      });
      created = true;
    } catch (error) {
      // A concurrent sign-up with the same address won the race: that partner gets the link.
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  const link = await requestMagicLink({ ...input, email, role: 'partner', operatorEmails: [] });
  return { created, link };
}
