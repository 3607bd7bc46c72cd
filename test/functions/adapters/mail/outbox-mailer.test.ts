/**
 * The outbox's .eml files are read back by Python's standard `email` package (an RFC 5322/MIME
 * parser we did not write), and by our own test reader, which the browser test relies on.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createOutboxMailer, encodeQuotedPrintable } from '../../../../functions/adapters/mail/outbox-mailer.js';
import { latestMessageTo, messagesTo } from '../../../support/outbox.js';

const pythonParse = `
import email, json, sys
from email import policy
msg = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=policy.default)
body = msg.get_body(preferencelist=('plain',))
html = msg.get_body(preferencelist=('html',))
print(json.dumps({
  'defects': [str(d) for d in msg.defects] + [str(d) for d in (body.defects if body else [])],
  'headers': {k: str(v) for k, v in msg.items()},
  'text': body.get_content() if body else None,
  'html': html.get_content() if html and html is not body else None,
  'date': msg['Date'].datetime.isoformat() if msg['Date'] else None,
  'content_type': msg.get_content_type(),
  'charset': msg.get_content_charset(),
}))
`;

function parseWithPython(file: string): { defects: string[]; headers: Record<string, string>; text: string; html: string | null; date: string; content_type: string; charset: string } {
  return JSON.parse(execFileSync('python3', ['-c', pythonParse, file], { encoding: 'utf8' })) as never;
}

describe('createOutboxMailer', () => {
  it('writes an RFC 5322 message Python’s email parser reads back exactly, and logs its link', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'affiliate-outbox-'));
    const lines: string[] = [];
    const mailer = createOutboxMailer({ dataDir, from: 'no-reply@localhost', now: () => new Date('2026-03-01T12:00:00.000Z'), log: (line) => lines.push(line) });
    const longLine = `Ünïcödé ${'x'.repeat(120)} = end  `;
    const text = `Hello Zoë,\n\nSign in:\nhttp://127.0.0.1:3000/app/sign-in#token=${'A'.repeat(43)}\n\n${longLine}\n`;
    await mailer.send({ to: 'zoe@example.com', subject: 'Ton lien — connexion', text, headers: { 'List-Unsubscribe': '<http://127.0.0.1:3000/v1/email/unsubscribe?token=t>' } });

    const names = await readdir(path.join(dataDir, 'outbox'));
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/\.eml$/);
    const file = path.join(dataDir, 'outbox', names[0]!);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const raw = await readFile(file, 'utf8');
    // RFC 5322: CRLF line ends, no line over 998 characters; quoted-printable keeps them under 77.
    expect(raw.split('\r\n').every((line) => line.length <= 78 && !line.includes('\n'))).toBe(true);

    const parsed = parseWithPython(file);
    expect(parsed.defects).toEqual([]);
    expect(parsed.headers).toMatchObject({
      From: 'no-reply@localhost',
      To: 'zoe@example.com',
      Subject: 'Ton lien — connexion',
      'MIME-Version': '1.0',
      'Content-Transfer-Encoding': 'quoted-printable',
      'List-Unsubscribe': '<http://127.0.0.1:3000/v1/email/unsubscribe?token=t>',
    });
    expect(parsed.headers['Message-ID']).toMatch(/^<[0-9a-f]{16}@localhost>$/);
    expect(parsed.date).toBe('2026-03-01T12:00:00+00:00');
    expect([parsed.content_type, parsed.charset]).toEqual(['text/plain', 'utf-8']);
    expect(parsed.text).toBe(text);

    const ours = (await latestMessageTo(dataDir, 'zoe@example.com'))!;
    expect(ours.subject).toBe('Ton lien — connexion');
    expect(ours.text).toBe(text);
    expect(ours.link).toBe(`http://127.0.0.1:3000/app/sign-in#token=${'A'.repeat(43)}`);
    expect(lines).toEqual([expect.stringContaining(`mail to zoe@example.com: "Ton lien — connexion" http://127.0.0.1:3000/app/sign-in#token=${'A'.repeat(43)}`)]);
  });

  it('an html alternative is a multipart/alternative Python reads both parts of; messages list in sending order', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'affiliate-outbox-'));
    const mailer = createOutboxMailer({ dataDir, from: 'no-reply@localhost', now: () => new Date('2026-03-01T12:00:00.000Z') });
    await mailer.send({ to: 'a@example.com', subject: 'first', text: 'one' });
    await mailer.send({ to: 'a@example.com', subject: 'second', text: 'two\n', html: '<p>two</p>\n' });
    const messages = await messagesTo(dataDir, 'a@example.com');
    expect(messages.map((m) => m.subject)).toEqual(['first', 'second']);
    const parsed = parseWithPython(messages[1]!.file);
    expect(parsed.defects).toEqual([]);
    expect(parsed.content_type).toBe('multipart/alternative');
    expect(parsed.text).toBe('two\n');
    expect(parsed.html).toBe('<p>two</p>\n');
    expect(messages[1]!.text).toBe('two\n');
  });

  it('quoted-printable escapes =, non-ASCII and trailing spaces, and never splits an escape', () => {
    expect(encodeQuotedPrintable('a=b é ')).toBe('a=3Db =C3=A9=20');
    const long = encodeQuotedPrintable('é'.repeat(40));
    expect(long.split('\r\n').every((line) => line.length <= 76)).toBe(true);
    expect(long.split('\r\n').every((line) => !/=[0-9A-F]?=$/.test(line.replace(/=$/, '')))).toBe(true);
  });
});
