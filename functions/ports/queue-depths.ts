/** How many messages wait in each queue and in its dead-letter queue (the operator console's view). */
export interface QueueDepth {
  /** Logical queue name (`clicks`, `conversions`, `notifications`). */
  queue: string;
  /** Visible, waiting for a consumer (approximate, as SQS counts). */
  waiting: number;
  /** Received by a consumer and not yet deleted. */
  in_flight: number;
  /** Messages in the dead-letter queue; null when the queue has no redrive policy. */
  dead_letters: number | null;
}

export interface QueueDepthReader {
  read(): Promise<QueueDepth[]>;
}
