/**
 * The local outbox for tests: `latestMessageTo(dataDir, email)` → `{ subject, text, link }` of the
 * newest .eml the outbox mailer wrote to that address (lib/local/read-outbox.ts, shared with
 * `npm run demo`).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createOutboxMailer } from '../../functions/adapters/mail/outbox-mailer.js';
import type { Mailer } from '../../functions/ports/mailer.js';
export { latestMessageTo, messagesTo, parseEml, type OutboxMessage } from '../../lib/local/read-outbox.js';

/** Gives `deps` the real outbox mailer over a fresh directory, and returns that directory (to read the mail back). */
export async function attachOutboxMailer(deps: { mailer?: Mailer }): Promise<string> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'affiliate-outbox-'));
  deps.mailer = createOutboxMailer({ dataDir, from: 'no-reply@app.example.test' });
  return dataDir;
}

let addresses = 0;
/** An address no other test (nor an earlier run on the same database) has used. */
export const uniqueEmail = (prefix: string) => `${prefix}-${Date.now().toString(36)}${(addresses += 1)}@example.com`;
