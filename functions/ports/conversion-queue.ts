import type { ConversionQueueMessage } from './conversion-message.js';

/**
 * The conversions queue (SQS). Producers (`POST /v1/conversions`, the webhook Lambda) send
 * BEFORE answering 2xx: a failed send throws, the caller answers 5xx and the provider retries.
 */
/** SQS's largest message body (256 KiB): a message over it can never be queued, however often it is retried. */
export const MAX_QUEUE_MESSAGE_BYTES = 262_144;

export interface ConversionQueue {
  /** Sends all messages or throws (a partial batch failure is a failure). */
  send(messages: ConversionQueueMessage[]): Promise<void>;
}
