/**
 * How long a vendor notification waits before its next attempt: exponential from 30 s, doubling
 * per receive, capped at SQS's 12-hour visibility limit. With the queue's 8 receives a failing
 * endpoint is retried over about two hours (30 s, 1, 2, 4, 8, 16, 32 min) before the DLQ.
 */
export const MAX_VISIBILITY_SECONDS = 43_200;

export function retryDelaySeconds(receiveCount: number): number {
  const attempt = Math.max(1, Math.floor(receiveCount));
  return Math.min(30 * 2 ** Math.min(attempt - 1, 20), MAX_VISIBILITY_SECONDS);
}
