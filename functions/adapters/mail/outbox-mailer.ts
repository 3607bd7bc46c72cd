/**
 * The local mailer: each message becomes one RFC 5322 file in `$DATA_DIR/outbox/`
 * (`<time>-<id>.eml`, openable by any mail client), and its first link is written to the local
 * log, so a developer can sign in without a mail server. Bodies are UTF-8 in quoted-printable
 * (RFC 2045), headers with non-ASCII text are RFC 2047 encoded-words.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Mailer, MailMessage } from '../../ports/mailer.js';

/** Quoted-printable (RFC 2045 6.7) of UTF-8 text, CRLF line breaks, lines of at most 76 characters. */
export function encodeQuotedPrintable(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  return lines
    .map((line) => {
      let encoded = '';
      for (const byte of Buffer.from(line, 'utf8')) {
        const char = String.fromCharCode(byte);
        encoded += (byte >= 33 && byte <= 126 && char !== '=') || byte === 32 || byte === 9 ? char : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
      }
      // Trailing white space is encoded (transports may strip it).
      encoded = encoded.replace(/[ \t]$/, (ws) => `=${ws.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
      const out: string[] = [];
      while (encoded.length > 76) {
        let cut = 75;
        // Never split an =XX escape.
        const escape = encoded.lastIndexOf('=', cut);
        if (escape > cut - 3) cut = escape;
        out.push(`${encoded.slice(0, cut)}=`);
        encoded = encoded.slice(cut);
      }
      out.push(encoded);
      return out.join('\r\n');
    })
    .join('\r\n');
}

/** A header value: as is when printable ASCII, else an RFC 2047 base64 encoded-word. */
function headerText(value: string): string {
  const clean = value.replace(/[\r\n]+/g, ' ');
  return /^[\x20-\x7e]*$/.test(clean) ? clean : `=?UTF-8?B?${Buffer.from(clean, 'utf8').toString('base64')}?=`;
}

/** The message as RFC 5322 text (CRLF line ends). */
export function formatEml(message: MailMessage, input: { from: string; date: Date; messageId: string }): string {
  const boundary = `=_aff_${input.messageId.replace(/[^A-Za-z0-9]/g, '').slice(0, 24)}`;
  const headers: [string, string][] = [
    ['Date', input.date.toUTCString().replace('GMT', '+0000')],
    ['From', headerText(input.from)],
    ['To', headerText(message.to)],
    ['Subject', headerText(message.subject)],
    ['Message-ID', `<${input.messageId}>`],
    ['MIME-Version', '1.0'],
    ...Object.entries(message.headers ?? {}).map(([name, value]): [string, string] => [name, headerText(value)]),
  ];
  const part = (type: string, body: string) =>
    [`Content-Type: ${type}; charset=utf-8`, 'Content-Transfer-Encoding: quoted-printable', '', encodeQuotedPrintable(body)].join('\r\n');
  let body: string;
  if (message.html === undefined) {
    headers.push(['Content-Type', 'text/plain; charset=utf-8'], ['Content-Transfer-Encoding', 'quoted-printable']);
    body = encodeQuotedPrintable(message.text);
  } else {
    headers.push(['Content-Type', `multipart/alternative; boundary="${boundary}"`]);
    body = [`--${boundary}`, part('text/plain', message.text), `--${boundary}`, part('text/html', message.html), `--${boundary}--`, ''].join('\r\n');
  }
  // A message ends with a line break; a body that has one already gets no second (it would read as a blank line).
  return `${headers.map(([name, value]) => `${name}: ${value}`).join('\r\n')}\r\n\r\n${body}${body.endsWith('\r\n') ? '' : '\r\n'}`;
}

export function createOutboxMailer(input: {
  /** `$DATA_DIR`; files go to its `outbox/`. */
  dataDir: string;
  from: string;
  now?: () => Date;
  /** Where the first link of each message is printed (the local log). */
  log?: (line: string) => void;
}): Mailer {
  const outbox = path.join(input.dataDir, 'outbox');
  const now = input.now ?? (() => new Date());
  // Names sort in sending order even within one millisecond.
  let sequence = 0;
  return {
    async send(message) {
      const date = now();
      const id = randomBytes(8).toString('hex');
      const domain = input.from.split('@')[1]?.replace(/[>\s]/g, '') || 'localhost';
      const text = formatEml(message, { from: input.from, date, messageId: `${id}@${domain}` });
      await mkdir(outbox, { recursive: true, mode: 0o700 });
      sequence += 1;
      const file = path.join(outbox, `${date.toISOString().replace(/[:.]/g, '-')}-${String(sequence).padStart(6, '0')}-${id}.eml`);
      // Written aside then renamed: a reader polling the folder never sees half a message.
      await writeFile(`${file}.tmp`, text, { mode: 0o600 });
      await rename(`${file}.tmp`, file);
      const link = /https?:\/\/\S+/.exec(message.text)?.[0];
      input.log?.(`mail to ${message.to}: "${message.subject}"${link ? ` ${link}` : ''} (${file})`);
    },
  };
}
