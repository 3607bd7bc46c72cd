/**
 * Reads the local outbox (`$DATA_DIR/outbox/*.eml`, written by the outbox mailer) the way a mail
 * client would: headers unfolded, RFC 2047 words and quoted-printable bodies decoded.
 * `latestMessageTo(dir, email)` gives the subject, text and first link: `npm run demo` prints
 * sign-in links with it, tests read messages with it (test/support/outbox.ts).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export interface OutboxMessage {
  file: string;
  headers: Record<string, string>;
  subject: string;
  text: string;
  /** The first http(s) URL in the text. */
  link: string | undefined;
}

function decodeWords(value: string): string {
  return value.replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=/gi, (_, encoding: string, data: string) =>
    encoding.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : decodeQuotedPrintable(data.replace(/_/g, ' ')),
  );
}

function decodeQuotedPrintable(body: string): string {
  const joined = body.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i += 1) {
    if (joined[i] === '=' && /^[0-9A-F]{2}$/i.test(joined.slice(i + 1, i + 3))) {
      bytes.push(parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8').replace(/\r\n/g, '\n');
}

/** Parses one .eml file's text (a single text/plain part, as the outbox mailer writes it, or multipart's text part). */
export function parseEml(raw: string, file = ''): OutboxMessage {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  let body = raw.slice(split + 4);
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  const boundary = /boundary="([^"]+)"/.exec(headers['content-type'] ?? '')?.[1];
  let encoding = headers['content-transfer-encoding'] ?? '8bit';
  if (boundary) {
    const textPart = body.split(`--${boundary}`).find((part) => /content-type:\s*text\/plain/i.test(part)) ?? '';
    const partSplit = textPart.indexOf('\r\n\r\n');
    encoding = /content-transfer-encoding:\s*(\S+)/i.exec(textPart.slice(0, partSplit))?.[1] ?? '8bit';
    // The CRLF before a boundary line belongs to the boundary (RFC 2046 5.1.1).
    body = textPart.slice(partSplit + 4).replace(/\r\n$/, '');
  }
  const text = encoding.toLowerCase() === 'quoted-printable' ? decodeQuotedPrintable(body) : body.replace(/\r\n/g, '\n');
  return { file, headers, subject: headers.subject ?? '', text, link: /https?:\/\/\S+/.exec(text)?.[0] };
}

/** Every message in `dataDir/outbox/` to `email`, oldest first (file names start with the time). */
export async function messagesTo(dataDir: string, email: string): Promise<OutboxMessage[]> {
  const outbox = path.join(dataDir, 'outbox');
  const names = (await readdir(outbox).catch(() => [] as string[])).filter((name) => name.endsWith('.eml')).sort();
  const messages = await Promise.all(names.map(async (name) => parseEml(await readFile(path.join(outbox, name), 'utf8'), path.join(outbox, name))));
  return messages.filter((message) => message.headers.to?.toLowerCase() === email.toLowerCase());
}

/** The newest message to `email` in `dataDir/outbox/`, or undefined. */
export async function latestMessageTo(dataDir: string, email: string): Promise<OutboxMessage | undefined> {
  return (await messagesTo(dataDir, email)).at(-1);
}
