/**
 * Runs a job and records the run in `job_runs` (the operator console's "job runs", issue 17):
 * a `running` row before the job starts, finished once as `succeeded` with a small summary of the
 * result or `failed` with the error's message. The job's outcome is what the caller sees: a
 * failure is recorded and rethrown (the scheduler's retry and DLQ, the route's 5xx stay as they
 * were), and a failure to record the end is logged, never turned into a failure of a job whose
 * work is already committed (the row then stays `running`, as after a Lambda timeout).
 */
import type { Actor } from '../domain/audit/actor.js';
import { summarizeJobResult } from '../domain/job-runs/summarize-job-result.js';
import type { Logger } from '../ports/logger.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { finishJobRun, insertJobRun } from '../repositories/governance/job-runs.js';
import { silentLogger } from '../platform/silent-telemetry.js';

/** Who started a run: the scheduler, or the operator (by token or web session). */
export type JobRunTrigger = { trigger: 'schedule' } | { trigger: 'operator'; actor: Actor; webSessionId?: number };

const maxErrorMessageLength = 1000;

/** The error's message only (never its stack or cause chain), bounded for `job_runs.error_message`. */
export function jobErrorMessage(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return message.length > maxErrorMessageLength ? `${message.slice(0, maxErrorMessageLength - 1)}…` : message;
}

/**
 * Runs `run` as the job `name` and records it with `sql` (the function's own executor, outside the
 * job's transactions). `startedAt` is the run's clock reading; `clock` reads the end.
 */
export async function runRecordedJob<T>({
  sql,
  name,
  trigger,
  startedAt,
  clock,
  run,
  logger = silentLogger,
}: {
  sql: SqlExecutor;
  name: string;
  trigger: JobRunTrigger;
  startedAt: Date;
  clock: () => Date;
  run: () => Promise<T>;
  logger?: Logger;
}): Promise<T> {
  const jobRunId = await insertJobRun(sql, {
    job_name: name,
    trigger: trigger.trigger,
    actor_type: trigger.trigger === 'operator' ? trigger.actor.actor_type : null,
    actor_web_session_id: trigger.trigger === 'operator' ? (trigger.webSessionId ?? null) : null,
    started_at: startedAt,
  });
  const finish = async (outcome: { status: 'succeeded'; summary: Record<string, unknown> | null } | { status: 'failed'; error_message: string }) => {
    try {
      await finishJobRun(sql, {
        job_run_id: jobRunId,
        finished_at: clock(),
        status: outcome.status,
        summary: outcome.status === 'succeeded' ? outcome.summary : null,
        error_message: outcome.status === 'failed' ? outcome.error_message : null,
      });
    } catch (error) {
      logger.error('job run not recorded as finished', { job: name, job_run_id: jobRunId, status: outcome.status, error: jobErrorMessage(error) });
    }
  };
  let result: T;
  try {
    result = await run();
  } catch (error) {
    await finish({ status: 'failed', error_message: jobErrorMessage(error) });
    throw error;
  }
  await finish({ status: 'succeeded', summary: summarizeJobResult(result) });
  return result;
}
