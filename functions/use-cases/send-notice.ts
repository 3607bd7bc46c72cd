/**
 * Sends a partner one of the notices they expect (account approved, application approved,
 * payout sent, payment method verified), after the change it announces has committed. Each
 * notice carries an unsubscribe link (a fresh token, stored hashed) and the RFC 8058 one-click
 * headers; an address that opted out gets nothing. A mail failure is logged and never undoes
 * or fails the change: the notice is a courtesy, the state is in the portal.
 */
import { composeNotice, type Notice } from '../domain/mail/compose-notice.js';
import { generateSecretToken, hashSecretToken } from '../domain/auth/web-session.js';
import { silentLogger } from '../platform/silent-telemetry.js';
import type { Logger } from '../ports/logger.js';
import type { Mailer } from '../ports/mailer.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { hasOptedOut, insertUnsubscribeToken } from '../repositories/accounts/email-opt-outs.js';
import { findCampaignName, findPartnerContact } from '../repositories/accounts/notice-recipients.js';

export type NoticeOutcome = 'sent' | 'opted_out' | 'no_recipient' | 'no_mailer' | 'failed';

/** A notice as the routes describe it; the campaign's name is looked up here. */
export type NoticeRequest = Exclude<Notice, { kind: 'enrollment_approved' }> | { kind: 'enrollment_approved'; campaignId: number };

export async function sendNotice(input: {
  sql: SqlExecutor;
  mailer: Mailer | undefined;
  logger: Logger;
  appBaseUrl: string;
  partnerId: number;
  notice: NoticeRequest;
  now: Date;
}): Promise<NoticeOutcome> {
  try {
    if (!input.mailer) return 'no_mailer';
    const partner = await findPartnerContact(input.sql, input.partnerId);
    if (!partner) return 'no_recipient';
    if (await hasOptedOut(input.sql, partner.email)) return 'opted_out';
    const notice: Notice =
      input.notice.kind === 'enrollment_approved'
        ? { kind: 'enrollment_approved', campaignName: (await findCampaignName(input.sql, input.notice.campaignId)) ?? `campaign #${input.notice.campaignId}` }
        : input.notice;
    const token = generateSecretToken();
    await insertUnsubscribeToken(input.sql, { token_hash: hashSecretToken(token), email: partner.email, now: input.now });
    const unsubscribeUrl = `${input.appBaseUrl}/v1/email/unsubscribe?token=${token}`;
    const { subject, text } = composeNotice({ notice, partnerName: partner.name, appBaseUrl: input.appBaseUrl, unsubscribeUrl });
    await input.mailer.send({
      to: partner.email,
      subject,
      text,
      headers: { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });
    return 'sent';
  } catch (error) {
    input.logger.error('notice not sent', { kind: input.notice.kind, partner_id: input.partnerId }, error as Error);
    return 'failed';
  }
}

/** `sendNotice` with what a function's deps hold: the routes' one-line call after a change commits. */
export function notifyPartner(input: {
  deps: { sql: SqlExecutor; mailer?: Mailer; logger?: Logger; config: { appBaseUrl?: string; publicBaseUrl: string } };
  partnerId: number;
  notice: NoticeRequest;
  now: Date;
}): Promise<NoticeOutcome> {
  const { deps } = input;
  return sendNotice({
    sql: deps.sql,
    mailer: deps.mailer,
    logger: deps.logger ?? silentLogger,
    appBaseUrl: deps.config.appBaseUrl ?? deps.config.publicBaseUrl,
    partnerId: input.partnerId,
    notice: input.notice,
    now: input.now,
  });
}
