/**
 * `job_runs` (schema/0016_job_runs.sql): one row per run of a scheduled job, inserted `running`
 * when it starts and finished once. Written with the running function's own executor (never a
 * job's role), so the row survives whatever the job's transaction does.
 */
import type { SqlExecutor } from '../../ports/sql-executor.js';

export type JobRunTrigger = 'schedule' | 'operator';
export type JobRunStatus = 'running' | 'succeeded' | 'failed';

export interface JobRunRow {
  job_run_id: number;
  job_name: string;
  trigger: JobRunTrigger;
  actor_type: string | null;
  actor_web_session_id: number | null;
  started_at: string;
  finished_at: string | null;
  status: JobRunStatus;
  summary: Record<string, unknown> | null;
  error_message: string | null;
}

const columns = `job_run_id, job_name, trigger, actor_type, actor_web_session_id, started_at, finished_at, status, summary, error_message`;

/** Records a run as started; returns its id. */
export async function insertJobRun(
  sql: SqlExecutor,
  input: { job_name: string; trigger: JobRunTrigger; actor_type: string | null; actor_web_session_id: number | null; started_at: Date },
): Promise<number> {
  const { rows } = await sql.query<{ job_run_id: number }>(
    `INSERT INTO job_runs (job_name, trigger, actor_type, actor_web_session_id, started_at, status)
     VALUES (:job_name, :trigger, :actor_type, :actor_web_session_id::bigint, :started_at::timestamptz, 'running')
     RETURNING job_run_id`,
    { ...input },
  );
  return rows[0]!.job_run_id;
}

/** Finishes a `running` run once; a second call changes nothing. */
export async function finishJobRun(
  sql: SqlExecutor,
  input: { job_run_id: number; status: Exclude<JobRunStatus, 'running'>; finished_at: Date; summary: Record<string, unknown> | null; error_message: string | null },
): Promise<void> {
  await sql.query(
    `UPDATE job_runs
     SET status = :status, finished_at = :finished_at::timestamptz, summary = :summary::jsonb, error_message = :error_message
     WHERE job_run_id = :job_run_id::bigint AND status = 'running'`,
    {
      job_run_id: input.job_run_id,
      status: input.status,
      finished_at: input.finished_at,
      summary: input.summary === null ? null : JSON.stringify(input.summary),
      error_message: input.error_message,
    },
  );
}

/** Runs newest first (all jobs, or one job's), keyset-paginated by id; fetches `limit + 1`. */
export async function listJobRuns(sql: SqlExecutor, input: { job_name?: string; before_id?: number; limit: number }): Promise<JobRunRow[]> {
  const { rows } = await sql.query<JobRunRow & Record<string, unknown>>(
    `SELECT ${columns} FROM job_runs
     WHERE (:job_name::text IS NULL OR job_name = :job_name::text)
       AND (:before_id::bigint IS NULL OR job_run_id < :before_id::bigint)
     ORDER BY job_run_id DESC LIMIT :limit::integer`,
    { job_name: input.job_name ?? null, before_id: input.before_id ?? null, limit: input.limit + 1 },
  );
  return rows;
}
