/**
 * A closed-loop load generator: `concurrency` workers, each sending its next request only after
 * the previous one answered, until the deadline. Nothing is aborted at the deadline (a request the
 * server already handled but we dropped would leave a row nobody recorded); every request carries
 * its own timeout instead, so the run always ends by `deadline + requestTimeoutMs`.
 */

export interface LatencyRecorder {
  /** Milliseconds per request, in arrival order. */
  readonly samples: number[];
  record(ms: number): void;
}

export function createLatencyRecorder(): LatencyRecorder {
  const samples: number[] = [];
  return { samples, record: (ms) => samples.push(ms) };
}

/** Nearest-rank percentile (p in 0..100) of the samples; 0 when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** A deterministic pseudo-random sequence in [0, 1), so a failing run replays the same choices. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Runs `step(worker)` in `concurrency` closed loops until `deadline` (a `performance.now()`
 * value). A step that throws stops nothing: steps are expected to record their own failures.
 * Resolves with the wall time from the first request to the last answer, in ms.
 */
export async function runClosedLoop(options: {
  concurrency: number;
  deadline: number;
  step: (worker: number) => Promise<void>;
  /** The clock the deadline is read on. @default performance.now */
  now?: () => number;
}): Promise<number> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const worker = async (index: number) => {
    while (now() < options.deadline) await options.step(index);
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, index) => worker(index)));
  return now() - started;
}
