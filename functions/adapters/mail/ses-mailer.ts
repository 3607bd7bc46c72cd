/**
 * The Amazon SES mailer: one `SendEmail` (SES API v2) per message, as simple content (SES builds
 * the MIME message), with our extra headers (`List-Unsubscribe`, ...) passed as message headers.
 * The client is injected; the composition root builds it once per cold start.
 */
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { Mailer, MailMessage } from '../../ports/mailer.js';

export function createSesMailer(input: { client: Pick<SESv2Client, 'send'>; from: string; configurationSetName?: string }): Mailer {
  return {
    async send(message: MailMessage) {
      await input.client.send(
        new SendEmailCommand({
          FromEmailAddress: input.from,
          Destination: { ToAddresses: [message.to] },
          ...(input.configurationSetName ? { ConfigurationSetName: input.configurationSetName } : {}),
          Content: {
            Simple: {
              Subject: { Data: message.subject, Charset: 'UTF-8' },
              Body: {
                Text: { Data: message.text, Charset: 'UTF-8' },
                ...(message.html ? { Html: { Data: message.html, Charset: 'UTF-8' } } : {}),
              },
              ...(message.headers && Object.keys(message.headers).length > 0
                ? { Headers: Object.entries(message.headers).map(([Name, Value]) => ({ Name, Value })) }
                : {}),
            },
          },
        }),
      );
    },
  };
}
