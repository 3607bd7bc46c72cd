/**
 * Waits, through `GET /healthz`, for the platform's queues to finish what the demo sent them.
 *
 * The local platform reports each queue poller's counters (received, succeeded, failed,
 * deadLettered). The wait ends when no batch is in flight (received = succeeded + failed) and
 * either every queue named in `minimumSucceeded` has succeeded that many more messages than at
 * `baseline` or, without `minimumSucceeded`, nothing has moved for `quietMs`. It fails, with the
 * counters, after `timeoutMs`, or at once when a message was dead-lettered.
 */
import { DemoStepError, type DemoHttp } from './demo-http.js';

export interface QueueCounters {
  received: number;
  succeeded: number;
  failed: number;
  deadLettered: number;
}

export type QueueSnapshot = Record<string, QueueCounters>;

/** The queue counters of a `/healthz` body (empty when the body has none). */
export function queueSnapshotOf(health: unknown): QueueSnapshot {
  const queues = (health as { queues?: unknown })?.queues;
  if (!queues || typeof queues !== 'object') return {};
  const out: QueueSnapshot = {};
  for (const [name, value] of Object.entries(queues as Record<string, Partial<QueueCounters>>)) {
    out[name] = {
      received: Number(value.received ?? 0),
      succeeded: Number(value.succeeded ?? 0),
      failed: Number(value.failed ?? 0),
      deadLettered: Number(value.deadLettered ?? 0),
    };
  }
  return out;
}

/** True when no queue has a batch between receive and its outcome. */
export function nothingInFlight(snapshot: QueueSnapshot): boolean {
  return Object.values(snapshot).every((q) => q.received === q.succeeded + q.failed);
}

/** Messages dead-lettered since `baseline`, per queue (only queues with some). */
export function deadLetteredSince(baseline: QueueSnapshot, now: QueueSnapshot): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, q] of Object.entries(now)) {
    const delta = q.deadLettered - (baseline[name]?.deadLettered ?? 0);
    if (delta > 0) out[name] = delta;
  }
  return out;
}

/** True when each named queue succeeded at least the given number of messages since `baseline`. */
export function reachedMinimum(baseline: QueueSnapshot, now: QueueSnapshot, minimum: Record<string, number>): boolean {
  return Object.entries(minimum).every(([name, count]) => (now[name]?.succeeded ?? 0) - (baseline[name]?.succeeded ?? 0) >= count);
}

export async function readQueueSnapshot(http: DemoHttp): Promise<QueueSnapshot> {
  const response = await http.fetch('/healthz');
  const body = (await response.json().catch(() => ({}))) as unknown;
  return queueSnapshotOf(body);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitForQueues(input: {
  http: DemoHttp;
  /** What is being waited for, for the error message. */
  step: string;
  baseline: QueueSnapshot;
  minimumSucceeded?: Record<string, number>;
  quietMs?: number;
  timeoutMs?: number;
  pollMs?: number;
}): Promise<QueueSnapshot> {
  const { http, baseline } = input;
  const quietMs = input.quietMs ?? 2_500;
  const deadline = Date.now() + (input.timeoutMs ?? 60_000);
  const pollMs = input.pollMs ?? 100;
  let last = JSON.stringify(baseline);
  let lastChange = Date.now();
  for (;;) {
    const now = await readQueueSnapshot(http);
    const lettered = deadLetteredSince(baseline, now);
    if (Object.keys(lettered).length > 0) {
      throw new DemoStepError(`${input.step}: messages were dead-lettered (${JSON.stringify(lettered)}); see the platform's log`);
    }
    const text = JSON.stringify(now);
    if (text !== last) {
      last = text;
      lastChange = Date.now();
    }
    if (nothingInFlight(now)) {
      if (input.minimumSucceeded ? reachedMinimum(baseline, now, input.minimumSucceeded) : Date.now() - lastChange >= quietMs) return now;
    }
    if (Date.now() > deadline) {
      throw new DemoStepError(`${input.step}: the queues did not settle in time (counters ${text}, expected at least ${JSON.stringify(input.minimumSucceeded ?? {})} more succeeded)`);
    }
    await sleep(pollMs);
  }
}
