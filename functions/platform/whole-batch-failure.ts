/**
 * An SQS batch in which every record failed is reported to Lambda as a failed invocation (thrown),
 * not as a response naming every record: Lambda then retries the same messages either way, but
 * only a thrown invocation counts in the function's `Errors` metric, which the consumer alarms
 * watch (docs/operations.md). A batch with some successes keeps its partial response. This is
 * what Powertools' batch utility does (`FullBatchFailureError`), applied to every consumer by
 * `withTelemetry`.
 */
export class WholeBatchFailedError extends Error {
  constructor(readonly batchItemFailures: readonly { itemIdentifier: string }[]) {
    super(`All ${batchItemFailures.length} records of the batch failed`);
    this.name = 'WholeBatchFailedError';
  }
}

/** The error to throw for this event and response, when every record of an SQS batch failed. */
export function wholeBatchFailure(event: unknown, result: unknown): WholeBatchFailedError | undefined {
  const records = (event as { Records?: unknown } | null)?.Records;
  const failures = (result as { batchItemFailures?: unknown } | null)?.batchItemFailures;
  if (!Array.isArray(records) || records.length === 0 || !Array.isArray(failures)) return undefined;
  const failed = new Set(failures.map((failure: { itemIdentifier?: unknown }) => failure.itemIdentifier));
  const everyRecord = records.every((record: { messageId?: unknown }) => failed.has(record.messageId));
  return everyRecord ? new WholeBatchFailedError(failures as { itemIdentifier: string }[]) : undefined;
}
