/**
 * The local outbox for tests: `latestMessageTo(dataDir, email)` → `{ subject, text, link }` of the
 * newest .eml the outbox mailer wrote to that address (lib/local/read-outbox.ts, shared with
 * `npm run demo`).
 */
export { latestMessageTo, messagesTo, parseEml, type OutboxMessage } from '../../lib/local/read-outbox.js';
