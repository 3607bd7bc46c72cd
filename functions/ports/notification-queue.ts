import type { NotificationMessage } from './notification-message.js';

/**
 * The notifications queue (SQS): conversion notices are queued after their transaction commits;
 * notify-vendors consumes. Sends every message or throws.
 */
export interface NotificationQueue {
  send(messages: readonly NotificationMessage[]): Promise<void>;
}
