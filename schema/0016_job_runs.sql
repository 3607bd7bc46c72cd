-- Every run of a scheduled job, by the scheduler or by the operator (POST /v1/admin/jobs/{name}),
-- so the operator console lists them all (issue 17), not only the runs started from one browser tab.
-- One row is inserted `running` before the job starts and updated once when it ends: a run whose
-- Lambda timed out stays `running` with its start time, which is itself worth seeing.
CREATE TABLE IF NOT EXISTS job_runs (
  job_run_id BIGSERIAL PRIMARY KEY,
  job_name VARCHAR(64) NOT NULL,
  trigger VARCHAR(10) NOT NULL,
  -- The operator who ran it by hand (audit_logs' actor vocabulary: `admin`), and the web session
  -- when one authenticated the request (no foreign key: the retention job deletes ended sessions).
  actor_type VARCHAR(20),
  actor_web_session_id BIGINT,
  started_at TIMESTAMPTZ NOT NULL,
  finished_at TIMESTAMPTZ,
  status VARCHAR(10) NOT NULL DEFAULT 'running',
  -- A small summary of what the job returned (scalars kept, lists counted); never the whole result.
  summary JSONB,
  -- The error's message only: no stack.
  error_message VARCHAR(1000),
  CONSTRAINT ck_job_runs_trigger CHECK (trigger IN ('schedule', 'operator')),
  CONSTRAINT ck_job_runs_status CHECK (status IN ('running', 'succeeded', 'failed')),
  CONSTRAINT ck_job_runs_actor CHECK ((trigger = 'operator') = (actor_type IS NOT NULL)),
  CONSTRAINT ck_job_runs_finished CHECK ((status = 'running') = (finished_at IS NULL)),
  CONSTRAINT ck_job_runs_summary_size CHECK (summary IS NULL OR octet_length(summary::text) <= 4096)
);
-- "Latest runs" is the primary key read backwards (ids are issued in start order);
-- "latest runs of job X" needs the name first.
CREATE INDEX IF NOT EXISTS idx_job_runs_job_name ON job_runs (job_name, job_run_id DESC);
-- The retention job deletes runs by age.
CREATE INDEX IF NOT EXISTS idx_job_runs_started_at ON job_runs (started_at);

GRANT SELECT, INSERT, UPDATE ON job_runs TO affiliate_scheduled_jobs, affiliate_management_api;
GRANT SELECT, DELETE ON job_runs TO affiliate_retention;
SELECT grant_function_sequence_usage();
