import type { ClickMessage } from '../domain/clicks/click-message.js';

/** The clicks queue (SQS): the redirect sends one message per recorded click; ingest-clicks consumes. */
export interface ClickQueue {
  send(click: ClickMessage): Promise<void>;
}
