import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createSesMailer } from '../../../../functions/adapters/mail/ses-mailer.js';

const ses = mockClient(SESv2Client);
afterEach(() => ses.reset());

describe('createSesMailer', () => {
  it('sends one SES v2 SendEmail with simple content, UTF-8 parts and the extra headers', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    const mailer = createSesMailer({ client: new SESv2Client({ region: 'us-east-1' }), from: 'Affiliate <no-reply@mail.example.com>' });
    await mailer.send({
      to: 'pat@example.com',
      subject: 'Payout sent — 18,00 €',
      text: 'Hello Pat',
      html: '<p>Hello Pat</p>',
      headers: { 'List-Unsubscribe': '<https://app.example.com/v1/email/unsubscribe?token=abc>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });
    const calls = ses.commandCalls(SendEmailCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      FromEmailAddress: 'Affiliate <no-reply@mail.example.com>',
      Destination: { ToAddresses: ['pat@example.com'] },
      Content: {
        Simple: {
          Subject: { Data: 'Payout sent — 18,00 €', Charset: 'UTF-8' },
          Body: { Text: { Data: 'Hello Pat', Charset: 'UTF-8' }, Html: { Data: '<p>Hello Pat</p>', Charset: 'UTF-8' } },
          Headers: [
            { Name: 'List-Unsubscribe', Value: '<https://app.example.com/v1/email/unsubscribe?token=abc>' },
            { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
          ],
        },
      },
    });
  });

  it('a sign-in message has no Html part and no headers; a refusal rejects', async () => {
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' }));
    const mailer = createSesMailer({ client: new SESv2Client({ region: 'us-east-1' }), from: 'no-reply@mail.example.com' });
    await expect(mailer.send({ to: 'x@example.com', subject: 'Your sign-in link', text: 'link' })).rejects.toThrow('not verified');
    const input = ses.commandCalls(SendEmailCommand)[0]!.args[0].input;
    expect(input.Content?.Simple?.Body).toEqual({ Text: { Data: 'link', Charset: 'UTF-8' } });
    expect(input.Content?.Simple?.Headers).toBeUndefined();
  });
});
