/**
 * Outgoing e-mail. Amazon SES on AWS (`adapters/mail/ses-mailer.ts`); locally every message is
 * written as an RFC 5322 `.eml` file to `$DATA_DIR/outbox/` (`adapters/mail/outbox-mailer.ts`).
 */
export interface MailMessage {
  to: string;
  subject: string;
  /** The plain-text body (every message has one). */
  text: string;
  html?: string;
  /** Extra headers, e.g. `List-Unsubscribe` and `List-Unsubscribe-Post` on notices. */
  headers?: Record<string, string>;
}

export interface Mailer {
  /** Sends one message; rejects when the provider refused it. */
  send(message: MailMessage): Promise<void>;
}
